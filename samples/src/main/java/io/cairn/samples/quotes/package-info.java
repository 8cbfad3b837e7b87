/** The Spring Boot sample: a web service whose slow lookups are {@code @Cacheable} on a persistent Cairn cache. */
package io.cairn.samples.quotes;
