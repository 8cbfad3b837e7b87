package io.cairn.server;

import io.cairn.jcache.CairnCache;
import io.cairn.jcache.CairnMutableEntry;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import javax.cache.Cache;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;

/**
 * The generic key commands: deletion, existence, expiry, renaming and copying, iteration, and the database commands
 * (SELECT, DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, MOVE). Multi-key ones run under the exclusive stripes of their keys
 * ({@link KeyLocks}), so RENAME, COPY and MOVE are atomic; FLUSH* and SWAPDB hold every stripe.
 */
final class KeyCommands {
  private KeyCommands() {}

  private static final long ETERNAL = CairnCache.ETERNAL;
  private static final long NO_ENTRY = CairnCache.NO_ENTRY;

  static void del(Session s, byte[][] a) {
    Database db = s.db();
    long n = 0;
    for (int i = 1; i < a.length; i++) {
      Key k = s.key(a, i);
      if (db.cache.remove(k)) {
        s.touched(k);
        n++;
      }
    }
    Reply.integer(s.out(), n);
  }

  static void exists(Session s, byte[][] a) {
    Database db = s.db();
    long n = 0;
    for (int i = 1; i < a.length; i++) {
      if (db.cache.containsKey(s.key(a, i))) {
        n++;
      }
    }
    Reply.integer(s.out(), n);
  }

  static void type(Session s, byte[][] a) {
    Reply.simple(s.out(), s.db().cache.containsKey(s.key(a, 1)) ? "string" : "none");
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Expiry

  static final int NX = 1;
  static final int XX = 2;
  static final int GT = 4;
  static final int LT = 8;

  static void expire(Session s, byte[][] a) {
    expireGeneric(s, a, 0, true, "expire");
  }

  static void pexpire(Session s, byte[][] a) {
    expireGeneric(s, a, 0, false, "pexpire");
  }

  static void expireat(Session s, byte[][] a) {
    expireGeneric(s, a, -1, true, "expireat");
  }

  static void pexpireat(Session s, byte[][] a) {
    expireGeneric(s, a, -1, false, "pexpireat");
  }

  /** {@code base} 0: relative to now; -1: absolute. */
  private static void expireGeneric(Session s, byte[][] a, long base, boolean seconds, String name) {
    int flags = 0;
    for (int j = 3; j < a.length; j++) {
      String opt = Session.latin1(a[j]).toLowerCase(Locale.ROOT);
      switch (opt) {
        case "nx" -> flags |= NX;
        case "xx" -> flags |= XX;
        case "gt" -> flags |= GT;
        case "lt" -> flags |= LT;
        default -> {
          s.error("ERR Unsupported option " + Session.cstr(a[j]));
          return;
        }
      }
    }
    if ((flags & NX) != 0 && (flags & (XX | GT | LT)) != 0) {
      s.error("ERR NX and XX, GT or LT options at the same time are not compatible");
      return;
    }
    if ((flags & GT) != 0 && (flags & LT) != 0) {
      s.error("ERR GT and LT options at the same time are not compatible");
      return;
    }
    long when;
    try {
      when = Numbers.parseLong(a[2]);
    } catch (Numbers.NotANumber e) {
      s.error(Errors.NOT_INTEGER);
      return;
    }
    if (seconds) {
      if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
        s.error(Errors.expireTime(name));
        return;
      }
      when *= 1000;
    }
    Database db = s.db();
    long basetime = base == 0 ? db.now() : 0;
    if (when > Long.MAX_VALUE - basetime) {
      s.error(Errors.expireTime(name));
      return;
    }
    when += basetime;
    Key key = s.key(a, 1);
    boolean done = (Boolean) db.cache.invoke(key, ExpireOp.INSTANCE, when, flags);
    if (done) {
      s.touched(key);
    }
    Reply.bool(s.out(), done);
  }

  /** EXPIRE and friends: arguments absolute time (ms, may be negative), NX/XX/GT/LT flags. */
  static final class ExpireOp implements EntryProcessor<Key, byte[], Object> {
    static final ExpireOp INSTANCE = new ExpireOp();

    @Override
    public Object process(MutableEntry<Key, byte[]> e, Object... args) {
      CairnMutableEntry<Key, byte[]> m = StringCommands.cairn(e);
      if (!m.exists()) {
        return false;
      }
      long when = (Long) args[0];
      int flags = (Integer) args[1];
      long cur = m.getExpiry();
      boolean persistent = cur == ETERNAL;
      if ((flags & NX) != 0 && !persistent || (flags & XX) != 0 && persistent
          || (flags & GT) != 0 && (persistent || when <= cur) || (flags & LT) != 0 && !persistent && when >= cur) {
        return false;
      }
      m.setExpiry(Math.max(0, when));
      return true;
    }
  }

  static void ttl(Session s, byte[][] a) {
    ttlGeneric(s, a, false, false);
  }

  static void pttl(Session s, byte[][] a) {
    ttlGeneric(s, a, true, false);
  }

  static void expiretime(Session s, byte[][] a) {
    ttlGeneric(s, a, false, true);
  }

  static void pexpiretime(Session s, byte[][] a) {
    ttlGeneric(s, a, true, true);
  }

  private static void ttlGeneric(Session s, byte[][] a, boolean millis, boolean absolute) {
    Database db = s.db();
    long at = db.cairn.getExpiry(s.key(a, 1));
    if (at == NO_ENTRY) {
      Reply.integer(s.out(), -2);
      return;
    }
    if (at == ETERNAL) {
      Reply.integer(s.out(), -1);
      return;
    }
    long ttl = absolute ? at : at - db.now();
    if (ttl < 0) {
      ttl = 0;
    }
    Reply.integer(s.out(), millis ? ttl : (ttl + 500) / 1000);
  }

  static void persist(Session s, byte[][] a) {
    Key key = s.key(a, 1);
    boolean done = (Boolean) s.db().cache.invoke(key, PersistOp.INSTANCE);
    if (done) {
      s.touched(key);
    }
    Reply.bool(s.out(), done);
  }

  /** PERSIST: removes a live entry's expiry; false if it had none. */
  static final class PersistOp implements EntryProcessor<Key, byte[], Object> {
    static final PersistOp INSTANCE = new PersistOp();

    @Override
    public Object process(MutableEntry<Key, byte[]> e, Object... args) {
      CairnMutableEntry<Key, byte[]> m = StringCommands.cairn(e);
      if (!m.exists() || m.getExpiry() == ETERNAL) {
        return false;
      }
      m.setExpiry(ETERNAL);
      return true;
    }
  }

  static void touch(Session s, byte[][] a) {
    exists(s, a);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // RENAME, COPY, MOVE (under the exclusive stripes of their keys)

  static void rename(Session s, byte[][] a) {
    renameGeneric(s, a, false);
  }

  static void renamenx(Session s, byte[][] a) {
    renameGeneric(s, a, true);
  }

  private static void renameGeneric(Session s, byte[][] a, boolean nx) {
    Database db = s.db();
    Key src = new Key(a[1]);
    Key dst = new Key(a[2]);
    byte[] v = db.cache.get(src);
    long at = v == null ? NO_ENTRY : db.cairn.getExpiry(src);
    if (v == null || at == NO_ENTRY) {
      s.error(Errors.NO_SUCH_KEY);
      return;
    }
    if (src.equals(dst)) {
      if (nx) {
        Reply.integer(s.out(), 0);
      } else {
        Reply.ok(s.out());
      }
      return;
    }
    if (nx && db.cache.containsKey(dst)) {
      Reply.integer(s.out(), 0);
      return;
    }
    // Source first: a bidirectional database lets the value move only once its holder is gone.
    db.cache.remove(src);
    db.cairn.put(dst, v, at);
    s.touched(src);
    s.touched(dst);
    if (nx) {
      Reply.integer(s.out(), 1);
    } else {
      Reply.ok(s.out());
    }
  }

  static void copy(Session s, byte[][] a) {
    int target = s.dbIndex;
    boolean replace = false;
    for (int j = 3; j < a.length; j++) {
      String opt = Session.latin1(a[j]).toLowerCase(Locale.ROOT);
      if (opt.equals("replace")) {
        replace = true;
      } else if (opt.equals("db") && j + 1 < a.length) {
        long n;
        try {
          n = Numbers.parseLong(a[j + 1]);
        } catch (Numbers.NotANumber e) {
          s.error(Errors.NOT_INTEGER);
          return;
        }
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
          s.error(Errors.NOT_INTEGER);
          return;
        }
        if (n < 0 || n >= s.server.keyspace.size()) {
          s.error(Errors.DB_RANGE);
          return;
        }
        target = (int) n;
        j++;
      } else {
        s.error(Errors.SYNTAX);
        return;
      }
    }
    Key src = new Key(a[1]);
    Key dst = new Key(a[2]);
    if (target == s.dbIndex && src.equals(dst)) {
      s.error(Errors.SAME_OBJECT);
      return;
    }
    Database from = s.db();
    Database to = s.server.keyspace.get(target);
    byte[] v = from.cache.get(src);
    long at = v == null ? NO_ENTRY : from.cairn.getExpiry(src);
    if (v == null || at == NO_ENTRY) {
      Reply.integer(s.out(), 0);
      return;
    }
    if (!replace && to.cache.containsKey(dst)) {
      Reply.integer(s.out(), 0);
      return;
    }
    to.cairn.put(dst, v, at);
    s.touched(target, dst);
    Reply.integer(s.out(), 1);
  }

  static void move(Session s, byte[][] a) {
    int target = dbNumber(s, a[2], Errors.NOT_INTEGER);
    if (target < 0) {
      return;
    }
    if (target == s.dbIndex) {
      s.error(Errors.SAME_OBJECT);
      return;
    }
    Key key = s.key(a, 1);
    Database from = s.db();
    Database to = s.server.keyspace.get(target);
    byte[] v = from.cache.get(key);
    long at = v == null ? NO_ENTRY : from.cairn.getExpiry(key);
    if (v == null || at == NO_ENTRY || to.cache.containsKey(key)) {
      Reply.integer(s.out(), 0);
      return;
    }
    to.cairn.put(key, v, at);
    from.cache.remove(key);
    s.touched(key);
    s.touched(target, key);
    Reply.integer(s.out(), 1);
  }

  /** A database number argument, or -1 after replying with {@code notANumber} or the range error. */
  static int dbNumber(Session s, byte[] arg, String notANumber) {
    long n;
    try {
      n = Numbers.parseLong(arg);
    } catch (Numbers.NotANumber e) {
      s.error(notANumber);
      return -1;
    }
    if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
      s.error(notANumber);
      return -1;
    }
    if (n < 0 || n >= s.server.keyspace.size()) {
      s.error(Errors.DB_RANGE);
      return -1;
    }
    return (int) n;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Iteration

  static void keys(Session s, byte[][] a) {
    byte[] pattern = a[1];
    boolean all = pattern.length == 1 && pattern[0] == '*';
    List<byte[]> out = new ArrayList<>();
    for (Cache.Entry<Key, byte[]> e : s.db().cache) {
      byte[] k = e.getKey().bytes;
      if (all || Glob.matches(pattern, k)) {
        out.add(k);
      }
    }
    ByteBuf b = s.out();
    Reply.array(b, out.size());
    for (byte[] k : out) {
      Reply.bulk(b, k);
    }
  }

  static void scan(Session s, byte[][] a) {
    long cursor;
    try {
      cursor = Long.parseUnsignedLong(Session.latin1(a[1]));
    } catch (NumberFormatException e) {
      s.error(Errors.INVALID_CURSOR);
      return;
    }
    long count = 10;
    byte[] pattern = null;
    String type = null;
    for (int j = 2; j < a.length; j++) {
      String opt = Session.latin1(a[j]).toLowerCase(Locale.ROOT);
      boolean more = j + 1 < a.length;
      if (opt.equals("count") && more) {
        try {
          count = Numbers.parseLong(a[j + 1]);
        } catch (Numbers.NotANumber e) {
          s.error(Errors.NOT_INTEGER);
          return;
        }
        if (count < 1) {
          s.error(Errors.SYNTAX);
          return;
        }
        j++;
      } else if (opt.equals("match") && more) {
        pattern = a[j + 1];
        j++;
      } else if (opt.equals("type") && more) {
        type = Session.latin1(a[j + 1]).toLowerCase(Locale.ROOT);
        j++;
      } else {
        s.error(Errors.SYNTAX);
        return;
      }
    }
    Database db = s.db();
    ScanCursors.Scan scan = cursor == 0 ? s.scans.start(db) : s.scans.resume(cursor, db);
    List<byte[]> out = new ArrayList<>();
    boolean more = false;
    if (scan != null) {
      Iterator<Cache.Entry<Key, byte[]>> it = scan.entries();
      long visited = 0;
      while (visited < count && it.hasNext()) {
        byte[] k = it.next().getKey().bytes;
        visited++;
        if ((pattern == null || Glob.matches(pattern, k)) && (type == null || type.equals("string"))) {
          out.add(k);
        }
      }
      more = it.hasNext();
    }
    ByteBuf b = s.out();
    Reply.array(b, 2);
    Reply.bulk(b, Long.toUnsignedString(more ? s.scans.keep(scan) : 0));
    Reply.array(b, out.size());
    for (byte[] k : out) {
      Reply.bulk(b, k);
    }
  }

  static void randomkey(Session s, byte[][] a) {
    List<byte[]> sample = new ArrayList<>();
    Iterator<Cache.Entry<Key, byte[]>> it = s.db().cache.iterator();
    while (sample.size() < 64 && it.hasNext()) {
      sample.add(it.next().getKey().bytes);
    }
    if (sample.isEmpty()) {
      Reply.nullBulk(s.out(), s.proto);
    } else {
      Reply.bulk(s.out(), sample.get(ThreadLocalRandom.current().nextInt(sample.size())));
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Databases

  static void select(Session s, byte[][] a) {
    int n = dbNumber(s, a[1], Errors.NOT_INTEGER);
    if (n >= 0) {
      s.dbIndex = n;
      Reply.ok(s.out());
    }
  }

  static void dbsize(Session s, byte[][] a) {
    Reply.integer(s.out(), s.db().cairn.size());
  }

  /** FLUSHDB and FLUSHALL take an optional ASYNC or SYNC (both flush before replying here). */
  private static boolean flushOptions(Session s, byte[][] a) {
    if (a.length > 2) {
      s.error(Errors.SYNTAX);
      return false;
    }
    if (a.length == 2) {
      String o = Session.latin1(a[1]).toLowerCase(Locale.ROOT);
      if (!o.equals("async") && !o.equals("sync")) {
        s.error(Errors.SYNTAX);
        return false;
      }
    }
    return true;
  }

  static void flushdb(Session s, byte[][] a) {
    if (flushOptions(s, a)) {
      flush(s, s.dbIndex);
      s.server.tracking.invalidateAll();
      Reply.ok(s.out());
    }
  }

  static void flushall(Session s, byte[][] a) {
    if (flushOptions(s, a)) {
      for (int i = 0; i < s.server.keyspace.size(); i++) {
        flush(s, i);
      }
      s.server.tracking.invalidateAll();
      Reply.ok(s.out());
    }
  }

  /** Empties database {@code i}; the caller holds every stripe. */
  private static void flush(Session s, int i) {
    Database db = s.server.keyspace.get(i);
    s.server.watches.touchDatabase(i, db.cache::containsKey);
    db.cache.clear();
  }

  static void swapdb(Session s, byte[][] a) {
    int x = dbNumber(s, a[1], "ERR invalid first DB index");
    if (x < 0) {
      return;
    }
    int y = dbNumber(s, a[2], "ERR invalid second DB index");
    if (y < 0) {
      return;
    }
    if (!s.server.keyspace.swappable()) {
      s.error("ERR SWAPDB is not available: the databases are the application's caches");
      return;
    }
    if (x != y) {
      Keyspace ks = s.server.keyspace;
      Database dx = ks.get(x);
      Database dy = ks.get(y);
      s.server.watches.touchDatabase(x, k -> dx.cache.containsKey(k) || dy.cache.containsKey(k));
      s.server.watches.touchDatabase(y, k -> dx.cache.containsKey(k) || dy.cache.containsKey(k));
      ks.swap(x, y);
      // Tracking keys carry no database, so the values behind them changed for clients of either database.
      s.server.tracking.invalidateAll();
    }
    Reply.ok(s.out());
  }
}
