/**
 * Compaction policies: given a version, each decides which tables to merge (or, for FIFO, drop) next and where the
 * output goes. Policies read versions and return plans; they never touch files. The store's compaction job carries a
 * plan out.
 */
package io.cairn.engine.compaction;
