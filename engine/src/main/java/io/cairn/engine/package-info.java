/**
 * Cairn's LSM storage engine: {@link io.cairn.engine.Store} (open, put, get, delete, atomic batches, snapshot scans,
 * flush, compaction, statistics) and its {@link io.cairn.engine.Options}. Keys and values are byte arrays ordered by
 * unsigned comparison. The engine knows nothing of JCache; the provider builds cache tiers on it. Subpackages are the
 * engine's internals.
 */
package io.cairn.engine;
