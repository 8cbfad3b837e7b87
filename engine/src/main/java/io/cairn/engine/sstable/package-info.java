/**
 * Sorted tables: immutable files of checksummed blocks (prefix-compressed data blocks, a bloom filter, a fence-key
 * index in ARRAY or BTREE layout, properties) behind a versioned footer. Writes a table once, reads it many times
 * through the block cache and a bounded set of open file handles ({@link io.cairn.engine.sstable.FileHandles});
 * never modifies a finished file. An open table may keep, in memory only, the access bits its store's point reads
 * mark.
 */
package io.cairn.engine.sstable;
