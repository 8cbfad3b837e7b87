package io.cairn.server;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import javax.cache.Cache;

/**
 * Cairn's own commands, under the {@code CAIRN.} prefix.
 * <ul>
 *   <li>{@code CAIRN.RANGE start end count}: up to {@code count} live entries with {@code start <= key < end} in
 *       unsigned byte order (an empty {@code end}: no upper bound), as an array of [key, value] pairs, read from one
 *       consistent snapshot of the database's disk tier. Redis's SCAN has no order; this is what an LSM tree
 *       gives.</li>
 *   <li>{@code CAIRN.GETKEY value}: the key holding {@code value} in a bidirectional database
 *       ({@code db.N.bidi yes}), or nil. Values there are unique: a SET of a value another key holds is refused.</li>
 * </ul>
 */
final class CairnCommands {
  private CairnCommands() {}

  static void range(Session s, byte[][] a) {
    long count;
    try {
      count = Numbers.parseLong(a[3]);
    } catch (Numbers.NotANumber e) {
      s.error(Errors.NOT_INTEGER);
      return;
    }
    if (count < 1) {
      s.error("ERR count must be positive");
      return;
    }
    Key from = new Key(a[1]);
    Key to = a[2].length == 0 ? null : new Key(a[2]);
    List<Cache.Entry<Key, byte[]>> out = new ArrayList<>();
    if (to == null || from.compareTo(to) < 0) {
      for (Cache.Entry<Key, byte[]> e : s.db().cairn.range(from, to)) {
        out.add(e);
        if (out.size() >= count) {
          break;
        }
      }
    }
    ByteBuf b = s.out();
    Reply.array(b, out.size());
    for (Cache.Entry<Key, byte[]> e : out) {
      Reply.array(b, 2);
      Reply.bulk(b, e.getKey().bytes);
      Reply.bulk(b, e.getValue());
    }
  }

  static void getkey(Session s, byte[][] a) {
    Database db = s.db();
    if (db.bidi == null) {
      s.error("ERR database " + s.dbIndex + " is not bidirectional (configure db." + s.dbIndex
          + ".bidi yes to look keys up by value)");
      return;
    }
    Key k = db.bidi.getKey(a[1]);
    if (k == null) {
      Reply.nullBulk(s.out(), s.proto);
    } else {
      Reply.bulk(s.out(), k.bytes);
    }
  }
}
