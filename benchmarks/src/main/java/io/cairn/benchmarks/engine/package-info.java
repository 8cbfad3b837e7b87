/**
 * JMH benchmarks of Cairn's engine against RocksDB through one small key-value interface, with the same key and value
 * sizes, memtable, block cache, bloom bits and leveled compaction on both sides.
 */
package io.cairn.benchmarks.engine;
