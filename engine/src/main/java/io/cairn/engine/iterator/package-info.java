/**
 * Iteration over internal keys: the one cursor contract every source implements (memtable, table, run of tables) and
 * the heap merge that combines them. Iterators see bytes only; visibility, tombstones and expiry are the store's call.
 */
package io.cairn.engine.iterator;
