package io.cairn.server;

import io.cairn.engine.Durability;

/**
 * How one logical database is stored: its heap tier's entry budget, its disk tier's byte budget (0: heap only),
 * whether it survives restarts and how durable an acknowledged write is, whether it keeps a value-to-key index, and
 * the size of its disk tier's write buffer (the memtable; each full one becomes a disk table).
 */
record DatabaseSettings(long heapEntries, long diskBytes, boolean persistent, Durability durability,
    boolean bidirectional, long memtableBytes) {

  static final DatabaseSettings DEFAULTS = new DatabaseSettings(1_000_000, 8L << 30, false, Durability.BUFFERED,
      false, 4L << 20);

  DatabaseSettings withHeapEntries(long n) {
    return new DatabaseSettings(n, diskBytes, persistent, durability, bidirectional, memtableBytes);
  }

  DatabaseSettings withDiskBytes(long n) {
    return new DatabaseSettings(heapEntries, n, persistent, durability, bidirectional, memtableBytes);
  }

  DatabaseSettings withPersistent(boolean p) {
    return new DatabaseSettings(heapEntries, diskBytes, p, durability, bidirectional, memtableBytes);
  }

  DatabaseSettings withDurability(Durability d) {
    return new DatabaseSettings(heapEntries, diskBytes, persistent, d, bidirectional, memtableBytes);
  }

  DatabaseSettings withBidirectional(boolean b) {
    return new DatabaseSettings(heapEntries, diskBytes, persistent, durability, b, memtableBytes);
  }

  DatabaseSettings withMemtableBytes(long n) {
    return new DatabaseSettings(heapEntries, diskBytes, persistent, durability, bidirectional, n);
  }
}
