/**
 * The buffer pool: table blocks (data, index, filter) cached on the heap, bounded in bytes, sharded by an xxHash of
 * (file, offset), evicted by CLOCK. Owns no files: a miss calls back into the table reader to load the block.
 */
package io.cairn.engine.cache;
