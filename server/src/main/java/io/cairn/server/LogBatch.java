package io.cairn.server;

import io.cairn.engine.LogDeferral;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;
import java.util.List;

/**
 * One event loop's log batch (Redis's write of its append-only file before it answers an event-loop turn): the
 * {@link LogDeferral} that the commands of every read in one turn of the loop share, and the sessions whose replies
 * wait for it. Once a read has opened it, every session that runs commands on the loop holds its replies
 * ({@link Session#held}); a task queued behind the turn's reads closes the deferral, which hands the log of every
 * database written to the OS (forces it, under sync) once, and then flushes those sessions. If that write fails, the
 * waiting sessions' replies are dropped and their connections closed: no client is told its write succeeded unless
 * its database's durability holds it.
 *
 * <p>Not thread-safe: one per event loop thread, used on it alone.
 */
final class LogBatch {
  private static final FastThreadLocal<LogBatch> OF_LOOP = new FastThreadLocal<>() {
    @Override
    protected LogBatch initialValue() {
      return new LogBatch();
    }
  };

  private LogDeferral deferral;
  private List<Session> waiting = new ArrayList<>();
  /** The other list {@link #finish} swaps in, so a turn's release allocates nothing. */
  private List<Session> spare = new ArrayList<>();
  private boolean scheduled;

  private LogBatch() {}

  /** The calling event loop's batch. */
  static LogBatch ofLoop() {
    return OF_LOOP.get();
  }

  /** The calling event loop's batch if {@code server} batches log writes and the batch is open; null otherwise. */
  static LogBatch openOnLoop(CairnServer server) {
    if (!server.defersLogs) {
      return null;
    }
    LogBatch b = OF_LOOP.get();
    return b.isOpen() ? b : null;
  }

  /** Defers this loop's log writes from now until {@link #finish}. */
  void open() {
    if (deferral == null) {
      deferral = LogDeferral.open();
    }
  }

  boolean isOpen() {
    return deferral != null;
  }

  /** {@code s} ran commands while the batch is open: its replies wait for the batch's log write. */
  void hold(Session s, EventLoop loop) {
    if (!s.held) {
      s.held = true;
      waiting.add(s);
    }
    if (!scheduled) {
      loop.execute(this::finish);
      scheduled = true;
    }
  }

  /**
   * Closes the deferral (if open) and releases every waiting session: flushed if the log write succeeded, dropped
   * and closed if not. Returns whether it succeeded.
   */
  boolean finish() {
    scheduled = false;
    List<Session> released = waiting;
    waiting = spare;
    boolean ok = true;
    if (deferral != null) {
      LogDeferral d = deferral;
      deferral = null;
      try {
        d.close();
      } catch (Throwable e) {
        ok = false;
        if (!released.isEmpty()) {
          released.get(0).server.log("a log write failed (" + e + "); the replies of " + released.size()
              + " connection(s) waiting on it are dropped and those connections closed");
        }
      }
    }
    for (Session s : released) {
      s.held = false;
      try {
        if (ok) {
          s.flush();
        } else {
          s.dropRepliesAndClose();
        }
      } catch (RuntimeException e) {
        s.dropRepliesAndClose(); // one connection's failure leaves the others to be released
      }
    }
    released.clear();
    spare = released;
    return ok;
  }
}
