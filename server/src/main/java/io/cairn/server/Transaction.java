package io.cairn.server;

import java.util.ArrayList;
import java.util.List;

/**
 * A connection's MULTI state: the queued commands, whether one was refused while queueing (EXEC then fails with
 * EXECABORT), and the keys it WATCHes with whether each was live when watched.
 *
 * <p>Thread-safety: used by the session's event loop only, except {@link #dirty}, which any writer of a watched key
 * sets (under that key's stripe, see {@link Watches}).
 */
final class Transaction {
  /** A watched key: its database number, the key, and whether it existed when WATCH ran. */
  record Watched(int db, Key key, boolean liveWhenWatched) {}

  boolean active;
  boolean failed;
  final List<Command> commands = new ArrayList<>();
  final List<byte[][]> argvs = new ArrayList<>();
  final List<Watched> watched = new ArrayList<>();
  /** Set when a watched key was written (or its database flushed or swapped) since WATCH. */
  volatile boolean dirty;

  void begin() {
    active = true;
    failed = false;
    commands.clear();
    argvs.clear();
  }

  void queue(Command cmd, byte[][] argv) {
    commands.add(cmd);
    argvs.add(argv);
  }

  /** Ends MULTI without running anything and forgets the watched keys, as DISCARD and a failed EXEC do. */
  void discard(Session s) {
    active = false;
    failed = false;
    commands.clear();
    argvs.clear();
    s.server.watches.unwatchAll(s);
  }

  /** Whether the queued commands need the whole keyspace (FLUSHDB, FLUSHALL, SWAPDB): every stripe is locked then. */
  boolean needsWholeKeyspace() {
    for (Command c : commands) {
      if (c.is(Command.WHOLE_KEYSPACE)) {
        return true;
      }
    }
    return false;
  }

  /** Every key the queued commands and the watches name, for locking. */
  Key[] keys() {
    List<Key> out = new ArrayList<>();
    for (int i = 0; i < commands.size(); i++) {
      Command c = commands.get(i);
      byte[][] argv = argvs.get(i);
      int n = c.keyCount(argv.length);
      for (int k = 0; k < n; k++) {
        out.add(new Key(argv[c.keyPosition(k)]));
      }
    }
    for (Watched w : watched) {
      out.add(w.key());
    }
    return out.toArray(new Key[0]);
  }
}
