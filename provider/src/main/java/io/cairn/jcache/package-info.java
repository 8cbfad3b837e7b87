/**
 * Cairn's JCache (JSR-107) provider. Public: {@link io.cairn.jcache.CairnCachingProvider},
 * {@link io.cairn.jcache.CairnCacheManager}, {@link io.cairn.jcache.CairnConfiguration} and its settings table
 * {@link io.cairn.jcache.CairnSetting}, {@link io.cairn.jcache.Codec}, and the views reached with {@code unwrap}:
 * {@link io.cairn.jcache.CairnCache} (per-entry expiry, range scans, maintenance), {@link io.cairn.jcache.BidiCache}
 * and, for entry processors, {@link io.cairn.jcache.CairnMutableEntry}; {@link io.cairn.jcache.TierStatistics}, what
 * {@code CairnCache.tiers()} reports (Micrometer meters over it: {@link io.cairn.jcache.metrics}). Everything else is
 * package-private: the facade ({@code TieredCache}) over one tier store per cache, which owns the heap tier and the
 * tier below it: the cache's disk tier, or for a remote cache a shared tier (Redis) reached through the public SPI in
 * {@link io.cairn.jcache.spi}, with the heap tier as a near cache ({@code SharedLowerTier}, {@code NearCoherence}).
 */
package io.cairn.jcache;
