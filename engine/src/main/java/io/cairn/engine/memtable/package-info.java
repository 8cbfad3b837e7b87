/**
 * The in-memory write buffer: a concurrent sorted map of internal keys, sized in bytes. A memtable is mutable until the
 * store rotates it; after that it is read-only until its flush to a table is installed. It never touches disk.
 */
package io.cairn.engine.memtable;
