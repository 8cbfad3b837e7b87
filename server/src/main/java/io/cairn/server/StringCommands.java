package io.cairn.server;

import io.cairn.jcache.CairnCache;
import io.cairn.jcache.CairnMutableEntry;
import io.netty.buffer.ByteBuf;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

/**
 * The string commands. A read is one cache read (lock-free on the heap tier); a read-modify-write is one entry
 * processor, atomic under the key's lock in the cache. Processors are stateless singletons that take their inputs as
 * arguments and return either the reply's data or a {@link Failure}. Every successful write calls
 * {@link Session#touched} (WATCH, tracking).
 */
final class StringCommands {
  private StringCommands() {}

  private static final long ETERNAL = CairnCache.ETERNAL;

  /** An error a processor found under the key's lock; nothing was changed. */
  record Failure(String message) {}

  static final Failure NOT_INTEGER = new Failure(Errors.NOT_INTEGER);
  static final Failure NOT_FLOAT = new Failure(Errors.NOT_FLOAT);
  static final Failure OVERFLOW = new Failure(Errors.OVERFLOW);
  static final Failure TOO_LONG = new Failure(Errors.MAX_BULK);
  static final Failure NAN = new Failure("ERR increment would produce NaN or Infinity");

  @SuppressWarnings("unchecked")
  static CairnMutableEntry<Key, byte[]> cairn(MutableEntry<Key, byte[]> e) {
    return e.unwrap(CairnMutableEntry.class);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // GET and friends

  static void get(Session s, byte[][] a) {
    byte[] v = s.db().cache.get(s.key(a, 1));
    if (v == null) {
      s.server.stats.keyspaceMisses.increment();
      Reply.nullBulk(s.out(), s.proto);
    } else {
      s.server.stats.keyspaceHits.increment();
      Reply.bulk(s.out(), v);
    }
  }

  static void mget(Session s, byte[][] a) {
    Database db = s.db();
    ByteBuf b = s.out();
    Reply.array(b, a.length - 1);
    for (int i = 1; i < a.length; i++) {
      byte[] v = db.cache.get(new Key(a[i]));
      if (v == null) {
        s.server.stats.keyspaceMisses.increment();
        Reply.nullBulk(b, s.proto);
      } else {
        s.server.stats.keyspaceHits.increment();
        Reply.bulk(b, v);
      }
    }
  }

  static void strlen(Session s, byte[][] a) {
    byte[] v = s.db().cache.get(s.key(a, 1));
    Reply.integer(s.out(), v == null ? 0 : v.length);
  }

  static void getrange(Session s, byte[][] a) {
    long start;
    long end;
    try {
      start = Numbers.parseLong(a[2]);
      end = Numbers.parseLong(a[3]);
    } catch (Numbers.NotANumber e) {
      s.error(Errors.NOT_INTEGER);
      return;
    }
    byte[] v = s.db().cache.get(s.key(a, 1));
    if (v == null) {
      Reply.bulk(s.out(), new byte[0]);
      return;
    }
    long len = v.length;
    if (start < 0 && end < 0 && start > end) {
      Reply.bulk(s.out(), new byte[0]);
      return;
    }
    if (start < 0) {
      start = len + start;
    }
    if (end < 0) {
      end = len + end;
    }
    if (start < 0) {
      start = 0;
    }
    if (end < 0) {
      end = 0;
    }
    if (end >= len) {
      end = len - 1;
    }
    if (start > end || len == 0) {
      Reply.bulk(s.out(), new byte[0]);
    } else {
      Reply.bulk(s.out(), v, (int) start, (int) (end - start + 1));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // SET and its options

  static final int NX = 1;
  static final int XX = 2;
  static final int KEEPTTL = 4;
  static final int GET = 8;
  static final int EX = 16;
  static final int PX = 32;
  static final int EXAT = 64;
  static final int PXAT = 128;
  static final int PERSIST = 256;
  private static final int ANY_EXPIRY = EX | PX | EXAT | PXAT;

  /** Options of SET (from argument 3) or GETEX (from 2), as Redis parses them; -1 after a syntax error reply. */
  private static int options(Session s, byte[][] a, int from, boolean set, long[] expireArg) {
    int flags = 0;
    for (int j = from; j < a.length; j++) {
      String opt = Session.latin1(a[j]).toUpperCase(java.util.Locale.ROOT);
      boolean next = j + 1 < a.length;
      if (set && opt.equals("NX") && (flags & XX) == 0) {
        flags |= NX;
      } else if (set && opt.equals("XX") && (flags & NX) == 0) {
        flags |= XX;
      } else if (set && opt.equals("GET")) {
        flags |= GET;
      } else if (set && opt.equals("KEEPTTL") && (flags & (PERSIST | ANY_EXPIRY)) == 0) {
        flags |= KEEPTTL;
      } else if (!set && opt.equals("PERSIST") && (flags & (ANY_EXPIRY | KEEPTTL)) == 0) {
        flags |= PERSIST;
      } else if ((opt.equals("EX") || opt.equals("PX") || opt.equals("EXAT") || opt.equals("PXAT"))
          && (flags & (KEEPTTL | PERSIST | ANY_EXPIRY)) == 0 && next) {
        flags |= switch (opt) {
          case "EX" -> EX;
          case "PX" -> PX;
          case "EXAT" -> EXAT;
          default -> PXAT;
        };
        expireArg[0] = j + 1;
        j++;
      } else {
        s.error(Errors.SYNTAX);
        return -1;
      }
    }
    return flags;
  }

  /**
   * The absolute expiry in milliseconds an EX/PX/EXAT/PXAT argument gives, or Long.MIN_VALUE after replying with
   * Redis's error (not an integer, or not positive, or overflowing).
   */
  private static long expireAt(Session s, byte[] arg, int flags, String command) {
    long v;
    try {
      v = Numbers.parseLong(arg);
    } catch (Numbers.NotANumber e) {
      s.error(Errors.NOT_INTEGER);
      return Long.MIN_VALUE;
    }
    boolean seconds = (flags & (EX | EXAT)) != 0;
    if (v <= 0 || (seconds && v > Long.MAX_VALUE / 1000)) {
      s.error(Errors.expireTime(command));
      return Long.MIN_VALUE;
    }
    if (seconds) {
      v *= 1000;
    }
    if ((flags & (EX | PX)) != 0) {
      long now = s.db().now();
      if (v > Long.MAX_VALUE - now) {
        s.error(Errors.expireTime(command));
        return Long.MIN_VALUE;
      }
      v += now;
    }
    return v;
  }

  static void set(Session s, byte[][] a) {
    long[] expireArg = {0};
    int flags = options(s, a, 3, true, expireArg);
    if (flags < 0) {
      return;
    }
    long at = ETERNAL;
    if ((flags & ANY_EXPIRY) != 0) {
      at = expireAt(s, a[(int) expireArg[0]], flags, "set");
      if (at == Long.MIN_VALUE) {
        return;
      }
    }
    Key key = s.key(a, 1);
    Database db = s.db();
    if ((flags & (NX | XX | GET | KEEPTTL)) == 0) {
      db.cairn.put(key, a[2], at);
      s.touched(key);
      Reply.ok(s.out());
      return;
    }
    SetResult r = (SetResult) db.cache.invoke(key, SetOp.INSTANCE, a[2], at, flags);
    if (r.set) {
      s.touched(key);
    }
    if ((flags & GET) != 0) {
      if (r.old == null) {
        Reply.nullBulk(s.out(), s.proto);
      } else {
        Reply.bulk(s.out(), r.old);
      }
    } else if (r.set) {
      Reply.ok(s.out());
    } else {
      Reply.nullBulk(s.out(), s.proto);
    }
  }

  /** What a conditional SET found and did. */
  record SetResult(byte[] old, boolean set) {}

  private static final SetResult SET_DONE = new SetResult(null, true);
  private static final SetResult SET_SKIPPED = new SetResult(null, false);

  /** SET with NX, XX, GET or KEEPTTL: arguments value, expireAt, flags. */
  static final class SetOp implements EntryProcessor<Key, byte[], Object> {
    static final SetOp INSTANCE = new SetOp();

    @Override
    public Object process(MutableEntry<Key, byte[]> e, Object... args) {
      CairnMutableEntry<Key, byte[]> m = cairn(e);
      int flags = (Integer) args[2];
      boolean exists = m.exists();
      byte[] old = exists && (flags & GET) != 0 ? m.getValue() : null;
      if ((flags & NX) != 0 && exists || (flags & XX) != 0 && !exists) {
        return old == null ? SET_SKIPPED : new SetResult(old, false);
      }
      long at = (flags & KEEPTTL) != 0 && exists ? m.getExpiry() : (Long) args[1];
      m.setValue((byte[]) args[0]);
      m.setExpiry(at);
      return old == null ? SET_DONE : new SetResult(old, true);
    }
  }

  static void setnx(Session s, byte[][] a) {
    Key key = s.key(a, 1);
    SetResult r = (SetResult) s.db().cache.invoke(key, SetOp.INSTANCE, a[2], ETERNAL, NX);
    if (r.set) {
      s.touched(key);
    }
    Reply.bool(s.out(), r.set);
  }

  static void setex(Session s, byte[][] a) {
    setWithExpiry(s, a, EX, "setex");
  }

  static void psetex(Session s, byte[][] a) {
    setWithExpiry(s, a, PX, "psetex");
  }

  private static void setWithExpiry(Session s, byte[][] a, int unit, String name) {
    long at = expireAt(s, a[2], unit, name);
    if (at == Long.MIN_VALUE) {
      return;
    }
    Key key = s.key(a, 1);
    s.db().cairn.put(key, a[3], at);
    s.touched(key);
    Reply.ok(s.out());
  }

  static void getset(Session s, byte[][] a) {
    Key key = s.key(a, 1);
    Object old = s.db().cache.invoke(key, GetSetOp.INSTANCE, a[2]);
    s.touched(key);
    bulkOrNull(s, (byte[]) old);
  }

  /** GETSET: stores the value without expiry, returns the old value. */
  static final class GetSetOp implements EntryProcessor<Key, byte[], Object> {
    static final GetSetOp INSTANCE = new GetSetOp();

    @Override
    public Object process(MutableEntry<Key, byte[]> e, Object... args) {
      CairnMutableEntry<Key, byte[]> m = cairn(e);
      byte[] old = m.exists() ? m.getValue() : null;
      m.setValue((byte[]) args[0]);
      m.setExpiry(ETERNAL);
      return old;
    }
  }

  static void getdel(Session s, byte[][] a) {
    Key key = s.key(a, 1);
    byte[] old = (byte[]) s.db().cache.invoke(key, GetDelOp.INSTANCE);
    if (old != null) {
      s.touched(key);
    }
    bulkOrNull(s, old);
  }

  /** GETDEL: removes the entry, returns its value. */
  static final class GetDelOp implements EntryProcessor<Key, byte[], Object> {
    static final GetDelOp INSTANCE = new GetDelOp();

    @Override
    public Object process(MutableEntry<Key, byte[]> e, Object... args) {
      if (!e.exists()) {
        return null;
      }
      byte[] old = e.getValue();
      e.remove();
      return old;
    }
  }

  static void getex(Session s, byte[][] a) {
    long[] expireArg = {0};
    int flags = options(s, a, 2, false, expireArg);
    if (flags < 0) {
      return;
    }
    Key key = s.key(a, 1);
    Database db = s.db();
    long at = ETERNAL;
    if ((flags & ANY_EXPIRY) != 0) {
      // Redis looks the key up before it checks the time: a missing key answers nil even with a bad time.
      if (!db.cache.containsKey(key)) {
        Reply.nullBulk(s.out(), s.proto);
        return;
      }
      at = expireAt(s, a[(int) expireArg[0]], flags, "getex");
      if (at == Long.MIN_VALUE) {
        return;
      }
    }
    Object r = db.cache.invoke(key, GetExOp.INSTANCE, flags, at);
    if (r == null) {
      Reply.nullBulk(s.out(), s.proto);
      return;
    }
    GetExResult g = (GetExResult) r;
    if (g.changed) {
      s.touched(key);
    }
    Reply.bulk(s.out(), g.value);
  }

  record GetExResult(byte[] value, boolean changed) {}

  /** GETEX: arguments flags, expireAt; returns the value and whether the expiry changed. */
  static final class GetExOp implements EntryProcessor<Key, byte[], Object> {
    static final GetExOp INSTANCE = new GetExOp();

    @Override
    public Object process(MutableEntry<Key, byte[]> e, Object... args) {
      CairnMutableEntry<Key, byte[]> m = cairn(e);
      if (!m.exists()) {
        return null;
      }
      int flags = (Integer) args[0];
      long at = (Long) args[1];
      long current = m.getExpiry();
      byte[] v = m.getValue();
      if ((flags & ANY_EXPIRY) != 0) {
        m.setExpiry(at);
        return new GetExResult(v, true);
      }
      if ((flags & PERSIST) != 0 && current != ETERNAL) {
        m.setExpiry(ETERNAL);
        return new GetExResult(v, true);
      }
      return new GetExResult(v, false);
    }
  }

  static void mset(Session s, byte[][] a) {
    if (a.length % 2 == 0) {
      s.error(Errors.arity("mset"));
      return;
    }
    Database db = s.db();
    for (int i = 1; i < a.length; i += 2) {
      Key k = new Key(a[i]);
      db.cairn.put(k, a[i + 1], ETERNAL);
      s.touched(k);
    }
    Reply.ok(s.out());
  }

  static void msetnx(Session s, byte[][] a) {
    if (a.length % 2 == 0) {
      s.error(Errors.arity("msetnx"));
      return;
    }
    Database db = s.db();
    for (int i = 1; i < a.length; i += 2) {
      if (db.cache.containsKey(new Key(a[i]))) {
        Reply.integer(s.out(), 0);
        return;
      }
    }
    for (int i = 1; i < a.length; i += 2) {
      Key k = new Key(a[i]);
      db.cairn.put(k, a[i + 1], ETERNAL);
      s.touched(k);
    }
    Reply.integer(s.out(), 1);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Counters

  static void incr(Session s, byte[][] a) {
    incrBy(s, a, 1);
  }

  static void decr(Session s, byte[][] a) {
    incrBy(s, a, -1);
  }

  static void incrby(Session s, byte[][] a) {
    try {
      incrBy(s, a, Numbers.parseLong(a[2]));
    } catch (Numbers.NotANumber e) {
      s.error(Errors.NOT_INTEGER);
    }
  }

  static void decrby(Session s, byte[][] a) {
    long d;
    try {
      d = Numbers.parseLong(a[2]);
    } catch (Numbers.NotANumber e) {
      s.error(Errors.NOT_INTEGER);
      return;
    }
    if (d == Long.MIN_VALUE) {
      s.error("ERR decrement would overflow");
      return;
    }
    incrBy(s, a, -d);
  }

  private static void incrBy(Session s, byte[][] a, long delta) {
    Key key = s.key(a, 1);
    Object r = s.db().cache.invoke(key, IncrOp.INSTANCE, delta);
    if (r instanceof Failure f) {
      s.error(f.message());
      return;
    }
    s.touched(key);
    Reply.integer(s.out(), (Long) r);
  }

  /** INCRBY: argument delta; keeps the entry's expiry. */
  static final class IncrOp implements EntryProcessor<Key, byte[], Object> {
    static final IncrOp INSTANCE = new IncrOp();

    @Override
    public Object process(MutableEntry<Key, byte[]> e, Object... args) {
      long delta = (Long) args[0];
      long v = 0;
      if (e.exists()) {
        try {
          v = Numbers.parseLong(e.getValue());
        } catch (Numbers.NotANumber x) {
          return NOT_INTEGER;
        }
      }
      if (delta < 0 && v < 0 && delta < Long.MIN_VALUE - v || delta > 0 && v > 0 && delta > Long.MAX_VALUE - v) {
        return OVERFLOW;
      }
      long n = v + delta;
      e.setValue(Numbers.toBytes(n));
      return n;
    }
  }

  static void incrbyfloat(Session s, byte[][] a) {
    Key key = s.key(a, 1);
    Object r = s.db().cache.invoke(key, IncrFloatOp.INSTANCE, a[2]);
    if (r instanceof Failure f) {
      s.error(f.message());
      return;
    }
    s.touched(key);
    Reply.bulk(s.out(), (byte[]) r);
  }

  /** INCRBYFLOAT: argument increment (bytes); decimal arithmetic, printed as Redis prints a long double. */
  static final class IncrFloatOp implements EntryProcessor<Key, byte[], Object> {
    static final IncrFloatOp INSTANCE = new IncrFloatOp();

    @Override
    public Object process(MutableEntry<Key, byte[]> e, Object... args) {
      BigDecimal v = BigDecimal.ZERO;
      BigDecimal incr;
      try {
        if (e.exists()) {
          v = Numbers.parseDecimal(e.getValue());
        }
        incr = Numbers.parseDecimal((byte[]) args[0]);
      } catch (Numbers.NotANumber x) {
        return NOT_FLOAT;
      }
      if (v == null || incr == null) {
        return NAN;
      }
      BigDecimal sum = Numbers.toLongDouble(Numbers.toLongDouble(v).add(Numbers.toLongDouble(incr)));
      byte[] out = Numbers.formatDecimal(sum).getBytes(StandardCharsets.US_ASCII);
      e.setValue(out);
      return out;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // APPEND, SETRANGE

  static void append(Session s, byte[][] a) {
    Key key = s.key(a, 1);
    Object r = s.db().cache.invoke(key, AppendOp.INSTANCE, a[2], s.server.config.protoMaxBulkLen);
    if (r instanceof Failure f) {
      s.error(f.message());
      return;
    }
    s.touched(key);
    Reply.integer(s.out(), (Long) r);
  }

  /** APPEND: arguments suffix, maximum length; a new array each time (stored arrays are never changed). */
  static final class AppendOp implements EntryProcessor<Key, byte[], Object> {
    static final AppendOp INSTANCE = new AppendOp();

    @Override
    public Object process(MutableEntry<Key, byte[]> e, Object... args) {
      byte[] add = (byte[]) args[0];
      if (!e.exists()) {
        e.setValue(add);
        return (long) add.length;
      }
      byte[] old = e.getValue();
      if ((long) old.length + add.length > (Long) args[1]) {
        return TOO_LONG;
      }
      byte[] n = Arrays.copyOf(old, old.length + add.length);
      System.arraycopy(add, 0, n, old.length, add.length);
      e.setValue(n);
      return (long) n.length;
    }
  }

  static void setrange(Session s, byte[][] a) {
    long offset;
    try {
      offset = Numbers.parseLong(a[2]);
    } catch (Numbers.NotANumber e) {
      s.error(Errors.NOT_INTEGER);
      return;
    }
    if (offset < 0) {
      s.error(Errors.OFFSET_RANGE);
      return;
    }
    Key key = s.key(a, 1);
    Object r = s.db().cache.invoke(key, SetRangeOp.INSTANCE, offset, a[3], s.server.config.protoMaxBulkLen);
    if (r instanceof Failure f) {
      s.error(f.message());
      return;
    }
    if (a[3].length > 0) {
      s.touched(key);
    }
    Reply.integer(s.out(), (Long) r);
  }

  /** SETRANGE: arguments offset, bytes, maximum length. */
  static final class SetRangeOp implements EntryProcessor<Key, byte[], Object> {
    static final SetRangeOp INSTANCE = new SetRangeOp();

    @Override
    public Object process(MutableEntry<Key, byte[]> e, Object... args) {
      long offset = (Long) args[0];
      byte[] part = (byte[]) args[1];
      long max = (Long) args[2];
      byte[] old = e.exists() ? e.getValue() : null;
      if (part.length == 0) {
        return old == null ? 0L : (long) old.length;
      }
      if (offset + part.length > max || offset + part.length > Integer.MAX_VALUE - 8) {
        return TOO_LONG;
      }
      int len = (int) Math.max(old == null ? 0 : old.length, offset + part.length);
      byte[] n = old == null ? new byte[len] : Arrays.copyOf(old, len);
      System.arraycopy(part, 0, n, (int) offset, part.length);
      e.setValue(n);
      return (long) n.length;
    }
  }

  private static void bulkOrNull(Session s, byte[] v) {
    if (v == null) {
      Reply.nullBulk(s.out(), s.proto);
    } else {
      Reply.bulk(s.out(), v);
    }
  }
}
