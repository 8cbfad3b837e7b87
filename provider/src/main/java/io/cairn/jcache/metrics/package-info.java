/**
 * Micrometer meters for Cairn caches: {@link io.cairn.jcache.metrics.CairnMetrics}, a {@code MeterBinder} over a
 * Cairn cache manager. Only this package touches Micrometer, an optional dependency: the rest of the provider never
 * imports it, so caches work without it on the class path.
 */
package io.cairn.jcache.metrics;
