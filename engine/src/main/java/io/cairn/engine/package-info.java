/**
 * Cairn's LSM storage engine: {@link io.cairn.engine.Store} (open, put, get, delete, atomic batches, snapshot scans,
 * flush, compaction, statistics, resume after an error) and its {@link io.cairn.engine.Options}; the
 * {@link io.cairn.engine.StoreEnvironment} many stores share; the {@link io.cairn.engine.EventListener} and
 * {@link io.cairn.engine.StoreError} through which a store reports what it does and what failed. Keys and values are
 * byte arrays ordered by unsigned comparison. The engine knows nothing of JCache; the provider builds cache tiers on
 * it. Package-private classes here are the store's parts; subpackages are the engine's internals.
 */
package io.cairn.engine;
