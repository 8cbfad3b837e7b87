package io.cairn.engine.sstable;

import java.util.concurrent.atomic.LongAdder;

/** Counters the table readers of one store add to; the store's statistics read them. */
public final class ReadCounters {
  /** Point lookups that consulted a table's bloom filter. */
  public final LongAdder bloomChecks = new LongAdder();
  /** Lookups the filter answered "absent" (a table read avoided). */
  public final LongAdder bloomUseful = new LongAdder();
  /** Lookups the filter answered "maybe" for a key the table did not hold. */
  public final LongAdder bloomFalsePositives = new LongAdder();
  /** Tables a prefix scan asked whether they may hold its prefix. */
  public final LongAdder prefixChecks = new LongAdder();
  /** Of those, tables whose filter answered "absent" (the scan did not open them). */
  public final LongAdder prefixUseful = new LongAdder();
  /** Block lookups of this store's tables the block cache answered. */
  public final LongAdder blockCacheHits = new LongAdder();
  /** Block lookups of this store's tables that read the file (the block cache may be shared with other stores). */
  public final LongAdder blockCacheMisses = new LongAdder();
}
