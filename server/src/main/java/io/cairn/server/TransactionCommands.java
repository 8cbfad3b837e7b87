package io.cairn.server;

import io.netty.buffer.ByteBuf;

/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH. EXEC takes the exclusive mode of the stripes of every key its commands and
 * watches name (every stripe if one of them needs the whole keyspace), decides under them whether a watched key
 * changed, and runs the queue without other clients' commands on those keys in between.
 */
final class TransactionCommands {
  private TransactionCommands() {}

  static void multi(Session s, byte[][] a) {
    if (s.tx.active) {
      s.error("ERR MULTI calls can not be nested");
      return;
    }
    s.tx.begin();
    Reply.ok(s.out());
  }

  static void discard(Session s, byte[][] a) {
    if (!s.tx.active) {
      s.error("ERR DISCARD without MULTI");
      return;
    }
    s.tx.discard(s);
    Reply.ok(s.out());
  }

  static void watch(Session s, byte[][] a) {
    if (s.tx.active) {
      s.error("ERR WATCH inside MULTI is not allowed");
      return;
    }
    Database db = s.db();
    for (int i = 1; i < a.length; i++) {
      Key k = new Key(a[i]);
      s.server.watches.watch(s, s.dbIndex, k, db.cache.containsKey(k));
    }
    Reply.ok(s.out());
  }

  static void unwatch(Session s, byte[][] a) {
    s.server.watches.unwatchAll(s);
    Reply.ok(s.out());
  }

  static void exec(Session s, byte[][] a) {
    Transaction tx = s.tx;
    if (!tx.active) {
      s.error("ERR EXEC without MULTI");
      return;
    }
    if (tx.failed) {
      tx.discard(s);
      s.error(Errors.EXECABORT);
      return;
    }
    Key[] keys = tx.needsWholeKeyspace() ? null : tx.keys();
    int[] stripes = keys == null ? KeyLocks.all() : KeyLocks.stripesOf(keys, keys.length);
    long[] stamps = s.server.locks.lockAll(stripes);
    s.locked = true;
    try {
      if (tx.dirty || watchedKeyGone(s)) {
        tx.discard(s);
        Reply.nullArray(s.out(), s.proto);
        return;
      }
      int n = tx.commands.size();
      ByteBuf b = s.out();
      Reply.array(b, n);
      Command[] cmds = tx.commands.toArray(new Command[0]);
      byte[][][] argvs = tx.argvs.toArray(new byte[0][][]);
      tx.active = false;
      for (int i = 0; i < n; i++) {
        try {
          s.call(cmds[i], argvs[i]);
        } catch (RuntimeException e) {
          s.error(Errors.of(e));
        }
      }
      tx.discard(s);
    } finally {
      s.locked = false;
      s.server.locks.unlockAll(stripes, stamps);
    }
  }

  /** A key that existed when watched and exists no more (it expired): Redis fails the transaction for it too. */
  private static boolean watchedKeyGone(Session s) {
    for (Transaction.Watched w : s.tx.watched) {
      if (w.liveWhenWatched() && !s.server.keyspace.get(w.db()).cache.containsKey(w.key())) {
        return true;
      }
    }
    return false;
  }
}
