/**
 * Redis or Redis Cluster as the shared, authoritative tier below Cairn's heap tier ({@code io.cairn.jcache.spi}), with
 * Cairn's heap tier as a coherent near cache. Owns the connections (Lettuce, RESP3), the value format
 * ({@link io.cairn.redis.ValueHeader}), the conditional writes ({@link io.cairn.redis.Scripts}) and the notifications
 * that keep near copies honest (CLIENT TRACKING pushes, connection and topology events, a periodic PING). It never
 * takes a cache's key locks and never calls into a cache from its I/O threads except through
 * {@code Coherence}, whose methods only bump counters.
 */
package io.cairn.redis;
