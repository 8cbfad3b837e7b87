package io.cairn.engine;

/** How background compaction shapes the tree. Chosen when a store is created; a store keeps its style for life. */
public enum CompactionStyle {
  /** Never merge in the background (manual {@link Store#compact()} only). */
  NONE,
  /** One sorted run per level: least space and read amplification, most write amplification. */
  LEVELED,
  /** Up to {@code sizeRatio} runs per level: least write amplification. */
  TIERED,
  /** Tiered on every level but the last, which is leveled (Dostoevsky). */
  LAZY_LEVELED,
  /**
   * Cache mode: the oldest tables are dropped past the byte budget, fully expired tables at once; adjacent level-0
   * runs of similar size are merged in place so reads ask a bounded number of tables.
   */
  FIFO
}
