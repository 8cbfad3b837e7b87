/**
 * The public seam for a shared tier below Cairn's heap tier: a store that other processes write too (Redis, in
 * {@code io.cairn:cairn-redis}), with Cairn's heap tier as a coherent near cache in front of it. A
 * {@link io.cairn.jcache.spi.SharedTierProvider} found by {@link java.util.ServiceLoader} connects a cache manager to
 * its endpoint; each cache then gets a {@link io.cairn.jcache.spi.SharedTier} that reads and writes versions of its
 * entries (compare-and-set on a stamp) and reports, through {@link io.cairn.jcache.spi.Coherence}, which keys other
 * processes changed. This package never names a client library: the provider adapts it to its own tier seam.
 */
package io.cairn.jcache.spi;
