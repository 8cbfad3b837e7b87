/**
 * Spring Boot auto-configuration for Cairn: a Cairn cache manager built from {@code cairn.*} properties, a Spring
 * {@code CacheManager} over it that creates caches on first use, and the same manager handed to Hibernate's
 * second-level cache. Backs off when {@code spring.cache.jcache.provider} names another provider.
 */
package io.cairn.spring;
