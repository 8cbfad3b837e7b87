package io.cairn.engine.sstable;

/** How a table's fence keys are laid out. */
public enum IndexLayout {
  /** One block of fence keys, binary-searched: one index read per lookup. Best for small and medium tables. */
  ARRAY,
  /** A multi-level index of small blocks: the reader pages in only the path it needs. Best for large tables. */
  BTREE;

  static IndexLayout fromCode(int code) {
    return switch (code) {
      case 0 -> ARRAY;
      case 1 -> BTREE;
      default -> null;
    };
  }

  int code() {
    return ordinal();
  }
}
