package io.cairn.server;

import io.cairn.jcache.CairnCache;
import java.util.Arrays;
import java.util.Locale;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

/**
 * The bitmap commands over string values: SETBIT, GETBIT, BITCOUNT, BITPOS and BITOP, with Redis 7.4's replies,
 * argument checks and their order. Bit 0 is the most significant bit of the first byte. A string is never changed in
 * place (readers take no lock): SETBIT writes a new copy, so it costs the string's length, where Redis's costs one
 * byte; bitmaps of a few KiB cost next to nothing, a SETBIT on a bitmap of many MiB costs a copy of it.
 */
final class BitCommands {
  static final String BIT_OFFSET = "ERR bit offset is not an integer or out of range";
  static final String BIT_VALUE = "ERR bit is not an integer or out of range";
  static final String BITPOS_BIT = "ERR The bit argument must be 1 or 0.";
  static final String BITOP_NOT = "ERR BITOP NOT must be called with a single source key.";

  private BitCommands() {}

  /** A bit offset as Redis takes one: an integer, not negative, addressing a byte below proto-max-bulk-len. */
  private static long offset(Session s, byte[] arg) {
    long off;
    try {
      off = Numbers.parseLong(arg);
    } catch (Numbers.NotANumber e) {
      return -1;
    }
    return off < 0 || (off >> 3) >= s.server.config.protoMaxBulkLen ? -1 : off;
  }

  static void setbit(Session s, byte[][] a) {
    long off = offset(s, a[2]);
    if (off < 0) {
      s.error(BIT_OFFSET);
      return;
    }
    long on;
    try {
      on = Numbers.parseLong(a[3]);
    } catch (Numbers.NotANumber e) {
      s.error(BIT_VALUE);
      return;
    }
    if ((on & ~1L) != 0) {
      s.error(BIT_VALUE);
      return;
    }
    Key key = s.key(a, 1);
    long r = (Long) s.db().cache.invoke(key, SetBitOp.INSTANCE, off, on == 1);
    if ((r & SetBitOp.CHANGED) != 0) {
      s.touched(key);
    }
    Reply.integer(s.out(), r & 1);
  }

  /**
   * SETBIT under the key's lock: arguments offset, whether to set. Returns the old bit, with {@link #CHANGED} set if
   * the value changed (created, grown, or the bit flipped), as Redis signals the key only then.
   */
  static final class SetBitOp implements EntryProcessor<Key, byte[], Object> {
    static final SetBitOp INSTANCE = new SetBitOp();
    static final long CHANGED = 2;

    @Override
    public Object process(MutableEntry<Key, byte[]> e, Object... args) {
      long off = (Long) args[0];
      boolean set = (Boolean) args[1];
      int byteIndex = (int) (off >>> 3);
      int mask = 1 << (7 - (int) (off & 7));
      byte[] old = e.exists() ? e.getValue() : null;
      boolean grows = old == null || old.length <= byteIndex;
      boolean was = !grows && (old[byteIndex] & mask) != 0;
      if (!grows && was == set) {
        return was ? 1L : 0L;
      }
      byte[] n = old == null ? new byte[byteIndex + 1] : Arrays.copyOf(old, Math.max(old.length, byteIndex + 1));
      n[byteIndex] = (byte) (set ? n[byteIndex] | mask : n[byteIndex] & ~mask);
      e.setValue(n);
      return (was ? 1L : 0L) | CHANGED;
    }
  }

  static void getbit(Session s, byte[][] a) {
    long off = offset(s, a[2]);
    if (off < 0) {
      s.error(BIT_OFFSET);
      return;
    }
    byte[] v = s.db().cache.get(s.key(a, 1));
    long byteIndex = off >>> 3;
    boolean bit = v != null && byteIndex < v.length && (v[(int) byteIndex] & (1 << (7 - (int) (off & 7)))) != 0;
    Reply.integer(s.out(), bit ? 1 : 0);
  }

  /** BYTE (false) or BIT (true), case-insensitive; null for anything else. */
  private static Boolean unit(byte[] arg) {
    String u = Session.latin1(arg).toLowerCase(Locale.ROOT);
    return u.equals("bit") ? Boolean.TRUE : u.equals("byte") ? Boolean.FALSE : null;
  }

  static void bitcount(Session s, byte[][] a) {
    if (a.length != 2 && a.length != 4 && a.length != 5) {
      s.error(Errors.SYNTAX);
      return;
    }
    long start = 0;
    long end = 0;
    boolean bits = false;
    if (a.length >= 4) {
      try {
        start = Numbers.parseLong(a[2]);
        end = Numbers.parseLong(a[3]);
      } catch (Numbers.NotANumber e) {
        s.error(Errors.NOT_INTEGER);
        return;
      }
      if (a.length == 5) {
        Boolean u = unit(a[4]);
        if (u == null) {
          s.error(Errors.SYNTAX);
          return;
        }
        bits = u;
      }
    }
    byte[] v = s.db().cache.get(s.key(a, 1));
    if (v == null) {
      Reply.integer(s.out(), 0);
      return;
    }
    int firstMask = 0;
    int lastMask = 0;
    if (a.length == 2) {
      start = 0;
      end = v.length - 1L;
    } else {
      if (start < 0 && end < 0 && start > end) {
        Reply.integer(s.out(), 0);
        return;
      }
      long total = bits ? (long) v.length << 3 : v.length;
      long[] r = clamp(start, end, total);
      start = r[0];
      end = r[1];
      if (bits && start <= end) {
        firstMask = ~((1 << (8 - (int) (start & 7))) - 1) & 0xff;
        lastMask = (1 << (7 - (int) (end & 7))) - 1;
        start >>= 3;
        end >>= 3;
      }
    }
    if (start > end) {
      Reply.integer(s.out(), 0);
      return;
    }
    long count = 0;
    for (int i = (int) start; i <= end; i++) {
      count += Integer.bitCount(v[i] & 0xff);
    }
    // In bit units the first and last bytes may hold bits outside the range; they are masked out of the count.
    count -= Integer.bitCount(v[(int) start] & firstMask) + Integer.bitCount(v[(int) end] & lastMask);
    Reply.integer(s.out(), count);
  }

  /** Redis's range rules: negative indexes from the end, then clamped to [0, total - 1] (end) and 0 (start). */
  private static long[] clamp(long start, long end, long total) {
    if (start < 0) {
      start = total + start;
    }
    if (end < 0) {
      end = total + end;
    }
    if (start < 0) {
      start = 0;
    }
    if (end < 0) {
      end = 0;
    }
    if (end >= total) {
      end = total - 1;
    }
    return new long[] {start, end};
  }

  static void bitpos(Session s, byte[][] a) {
    long bit;
    try {
      bit = Numbers.parseLong(a[2]);
    } catch (Numbers.NotANumber e) {
      s.error(Errors.NOT_INTEGER);
      return;
    }
    if (bit != 0 && bit != 1) {
      s.error(BITPOS_BIT);
      return;
    }
    if (a.length > 6) {
      s.error(Errors.SYNTAX);
      return;
    }
    long start = 0;
    long end = 0;
    boolean bits = false;
    boolean endGiven = a.length >= 5;
    if (a.length >= 4) {
      try {
        start = Numbers.parseLong(a[3]);
      } catch (Numbers.NotANumber e) {
        s.error(Errors.NOT_INTEGER);
        return;
      }
      if (a.length == 6) {
        Boolean u = unit(a[5]);
        if (u == null) {
          s.error(Errors.SYNTAX);
          return;
        }
        bits = u;
      }
      if (endGiven) {
        try {
          end = Numbers.parseLong(a[4]);
        } catch (Numbers.NotANumber e) {
          s.error(Errors.NOT_INTEGER);
          return;
        }
      }
    }
    byte[] v = s.db().cache.get(s.key(a, 1));
    if (v == null) {
      // A missing key is an endless run of zeros: the first clear bit is 0, there is no set bit.
      Reply.integer(s.out(), bit == 1 ? -1 : 0);
      return;
    }
    long total = bits ? (long) v.length << 3 : v.length;
    if (!endGiven) {
      end = total - 1;
    }
    long[] r = clamp(start, end, total);
    start = r[0];
    end = r[1];
    if (!bits && start <= end) {
      start <<= 3;
      end = (end << 3) + 7;
    }
    if (start > end) {
      // An empty range holds neither a 0 nor a 1.
      Reply.integer(s.out(), -1);
      return;
    }
    boolean want = bit == 1;
    long found = firstBit(v, start, end, want);
    // Looking for a clear bit in a run of ones with no end given: the string counts as padded with zeros, so the
    // answer is the first bit past it; with an end given there is none.
    Reply.integer(s.out(), found >= 0 ? found : !want && !endGiven ? end + 1 : -1);
  }

  /** The first bit in [start, end] (bit positions) that is {@code want}, or -1; whole bytes skipped at a time. */
  private static long firstBit(byte[] v, long start, long end, boolean want) {
    int skip = want ? 0 : 0xff;
    long i = start;
    while (i <= end) {
      int b = v[(int) (i >>> 3)] & 0xff;
      if ((i & 7) == 0 && i + 7 <= end && b == skip) {
        i += 8;
        continue;
      }
      if (((b & (1 << (7 - (int) (i & 7)))) != 0) == want) {
        return i;
      }
      i++;
    }
    return -1;
  }

  static void bitop(Session s, byte[][] a) {
    String op = Session.latin1(a[1]).toLowerCase(Locale.ROOT);
    if (!op.equals("and") && !op.equals("or") && !op.equals("xor") && !op.equals("not")) {
      s.error(Errors.SYNTAX);
      return;
    }
    if (op.equals("not") && a.length != 4) {
      s.error(BITOP_NOT);
      return;
    }
    Database db = s.db();
    int n = a.length - 3;
    byte[][] src = new byte[n][];
    int max = 0;
    for (int i = 0; i < n; i++) {
      src[i] = db.cache.get(new Key(a[i + 3]));
      if (src[i] != null) {
        max = Math.max(max, src[i].length);
      }
    }
    Key target = new Key(a[2]);
    if (max == 0) {
      if (db.cache.remove(target)) {
        s.touched(target);
      }
      Reply.integer(s.out(), 0);
      return;
    }
    byte[] out = new byte[max];
    if (src[0] != null) {
      System.arraycopy(src[0], 0, out, 0, src[0].length);
    }
    switch (op) {
      case "not" -> {
        for (int j = 0; j < max; j++) {
          out[j] = (byte) ~out[j];
        }
      }
      case "and" -> {
        for (int i = 1; i < n; i++) {
          byte[] x = src[i];
          int len = x == null ? 0 : x.length;
          for (int j = 0; j < len; j++) {
            out[j] &= x[j];
          }
          // A shorter (or missing) string reads as zeros past its end.
          Arrays.fill(out, len, max, (byte) 0);
        }
      }
      case "or" -> {
        for (int i = 1; i < n; i++) {
          byte[] x = src[i];
          for (int j = 0; x != null && j < x.length; j++) {
            out[j] |= x[j];
          }
        }
      }
      default -> {
        for (int i = 1; i < n; i++) {
          byte[] x = src[i];
          for (int j = 0; x != null && j < x.length; j++) {
            out[j] ^= x[j];
          }
        }
      }
    }
    db.cairn.put(target, out, CairnCache.ETERNAL);
    s.touched(target);
    Reply.integer(s.out(), max);
  }
}
