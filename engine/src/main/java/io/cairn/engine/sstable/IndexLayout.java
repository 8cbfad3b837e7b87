package io.cairn.engine.sstable;

/** How a table's fence keys are laid out. Each layout has the code the table footer records (never its ordinal). */
public enum IndexLayout {
  /** One block of fence keys, binary-searched: one index read per lookup. Best for small and medium tables. */
  ARRAY(0),
  /** A multi-level index of small blocks: the reader pages in only the path it needs. Best for large tables. */
  BTREE(1);

  private final int code;

  IndexLayout(int code) {
    this.code = code;
  }

  /** The layout the footer code names, or null for an unknown code. */
  static IndexLayout fromCode(int code) {
    for (IndexLayout l : values()) {
      if (l.code == code) {
        return l;
      }
    }
    return null;
  }

  int code() {
    return code;
  }
}
