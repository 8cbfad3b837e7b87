package io.cairn.engine;

/**
 * How background compaction shapes the tree. Chosen when a store is created; a store keeps its style for life. The
 * manifest records a style by its {@link #code()}, which never changes (never its ordinal or name).
 */
public enum CompactionStyle {
  /** Never merge in the background (manual {@link Store#compact()} only). */
  NONE(0),
  /** One sorted run per level: least space and read amplification, most write amplification. */
  LEVELED(1),
  /** Up to {@code sizeRatio} runs per level: least write amplification. */
  TIERED(2),
  /** Tiered on every level but the last, which is leveled (Dostoevsky). */
  LAZY_LEVELED(3),
  /**
   * Cache mode: the oldest tables are dropped past the byte budget, fully expired tables at once; adjacent level-0
   * runs of similar size are merged in place so reads ask a bounded number of tables.
   */
  FIFO(4);

  private final int code;

  CompactionStyle(int code) {
    this.code = code;
  }

  /** The style's code in the manifest. */
  public int code() {
    return code;
  }

  /** The style a manifest code names, or null for an unknown code. */
  public static CompactionStyle fromCode(long code) {
    for (CompactionStyle s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    return null;
  }
}
