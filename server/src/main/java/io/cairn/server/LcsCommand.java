package io.cairn.server;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: the longest common subsequence of two strings, after
 * Redis 7's: the same dynamic-programming table (so the same subsequence where several are longest), the same walk
 * back through it for IDX's matches (last match first), the same limit (the table may take at most proto-max-bulk-len
 * bytes) and errors. A missing key is an empty string. Like Redis, it runs on the event loop in time proportional to
 * the product of the lengths.
 */
final class LcsCommand {
  private LcsCommand() {}

  static void lcs(Session s, byte[][] a) {
    Database db = s.db();
    byte[] x = db.cache.get(s.key(a, 1));
    byte[] y = db.cache.get(s.key(a, 2));
    x = x == null ? new byte[0] : x;
    y = y == null ? new byte[0] : y;
    boolean len = false;
    boolean idx = false;
    boolean withMatchLen = false;
    long minMatchLen = 0;
    for (int j = 3; j < a.length; j++) {
      String opt = Session.latin1(a[j]).toLowerCase(Locale.ROOT);
      boolean more = j < a.length - 1;
      switch (opt) {
        case "idx" -> idx = true;
        case "len" -> len = true;
        case "withmatchlen" -> withMatchLen = true;
        default -> {
          if (!opt.equals("minmatchlen") || !more) {
            s.error(Errors.SYNTAX);
            return;
          }
          try {
            minMatchLen = Math.max(0, Numbers.parseLong(a[++j]));
          } catch (Numbers.NotANumber e) {
            s.error(Errors.NOT_INTEGER);
            return;
          }
        }
      }
    }
    if (len && idx) {
      s.error("ERR If you want both the length and indexes, please just use IDX.");
      return;
    }
    int xl = x.length;
    int yl = y.length;
    long cells = (xl + 1L) * (yl + 1L);
    if (cells * 4 > s.server.config.protoMaxBulkLen) {
      s.error("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
      return;
    }
    int[] t;
    try {
      t = cells > Integer.MAX_VALUE - 8 ? null : new int[(int) cells];
    } catch (OutOfMemoryError e) {
      t = null;
    }
    if (t == null) {
      s.error("ERR Insufficient memory, failed allocating transient memory for LCS");
      return;
    }
    int w = yl + 1;
    for (int i = 1; i <= xl; i++) {
      for (int j = 1; j <= yl; j++) {
        t[i * w + j] = x[i - 1] == y[j - 1] ? t[(i - 1) * w + j - 1] + 1
            : Math.max(t[(i - 1) * w + j], t[i * w + j - 1]);
      }
    }
    int total = t[xl * w + yl];
    ByteBuf b = s.out();
    if (len) {
      Reply.integer(b, total);
      return;
    }
    byte[] result = new byte[total];
    List<long[]> matches = new ArrayList<>();
    int k = total;
    int i = xl;
    int j = yl;
    int aStart = xl; // xl: no range open
    int aEnd = 0;
    int bStart = 0;
    int bEnd = 0;
    while (i > 0 && j > 0) {
      boolean emit = false;
      if (x[i - 1] == y[j - 1]) {
        result[k - 1] = x[i - 1];
        if (aStart == xl) {
          aStart = i - 1;
          aEnd = i - 1;
          bStart = j - 1;
          bEnd = j - 1;
        } else if (aStart == i && bStart == j) {
          aStart--;
          bStart--;
        } else {
          emit = true;
        }
        if (aStart == 0 || bStart == 0) {
          emit = true;
        }
        k--;
        i--;
        j--;
      } else {
        if (t[(i - 1) * w + j] > t[i * w + j - 1]) {
          i--;
        } else {
          j--;
        }
        if (aStart != xl) {
          emit = true;
        }
      }
      if (emit) {
        long matchLen = aEnd - aStart + 1L;
        if (minMatchLen == 0 || matchLen >= minMatchLen) {
          matches.add(new long[] {aStart, aEnd, bStart, bEnd, matchLen});
        }
        aStart = xl;
      }
    }
    if (!idx) {
      Reply.bulk(b, result);
      return;
    }
    Reply.map(b, s.proto, 2);
    Reply.bulk(b, "matches");
    Reply.array(b, matches.size());
    for (long[] m : matches) {
      Reply.array(b, withMatchLen ? 3 : 2);
      Reply.array(b, 2);
      Reply.integer(b, m[0]);
      Reply.integer(b, m[1]);
      Reply.array(b, 2);
      Reply.integer(b, m[2]);
      Reply.integer(b, m[3]);
      if (withMatchLen) {
        Reply.integer(b, m[4]);
      }
    }
    Reply.bulk(b, "len");
    Reply.integer(b, total);
  }
}
