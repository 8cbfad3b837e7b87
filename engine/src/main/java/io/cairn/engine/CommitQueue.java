package io.cairn.engine;

import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.InternalKey;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The writer queue and its group commit (LevelDB's {@code writers_}, Pebble's commit pipeline): writers queue under
 * the store's mutex; the writer at the head (the leader) takes the batches queued behind it, up to
 * {@link #MAX_GROUP_BYTES}, numbers their operations, and outside the mutex appends them to the log with one flush
 * or one force and applies them to the memtable; then it publishes the group's last sequence number and hands the
 * head to the next writer. What it needs of the store is behind {@link Env} and {@link Target}, so that the queue is
 * tested alone with a double (Pebble's {@code commitEnv}).
 *
 * <p>A barrier is a queue entry with no batch: its action runs as the head, when no group is in flight, so the log
 * and the memtable may change only there. A FIFO drop's kept batch ({@link #commitKept}) is never taken into another
 * writer's group: it waits to be the head, trims itself outside the mutex, and leads a group of its own, which it
 * never forces on its own account (it is not a user's write).
 *
 * <p>Thread-safety: the queue and every writer's fields are guarded by the store's mutex, which every method but
 * the trim of {@link #commitKept} runs with; only the head touches the {@link Target}.
 */
final class CommitQueue {
  static final int MAX_GROUP_BYTES = 1 << 20;

  /** What the queue needs of the store; every method is called with the mutex held. */
  interface Env {
    /** As the head: waits (releasing the mutex) or slows until the memtable has room, or throws. */
    void makeRoomForWrite();

    /** The last sequence number given out. */
    long lastSequence();

    /** Numbers up to {@code sequence} are given out (also after a failed log write: no number is given twice). */
    void setLastSequence(long sequence);

    /** Where the next group goes: the current log and memtable. */
    Target target();

    /** The group's log write failed: records it, and returns what the group's writers throw. */
    RuntimeException logFailed(Target target, IOException failure, boolean forcing);

    /** The group is in the memtable: its operations up to {@code sequence} become visible to reads. */
    void publish(long sequence);
  }

  /** Where one group goes; called outside the mutex, by the head alone. */
  interface Target {
    /** Appends one batch's record to the log (a store without a log does nothing). */
    void log(byte[] record) throws IOException;

    /** Ends the group's log writes: forces the log to the device if {@code force}, else hands it to the OS. */
    void endLog(boolean force) throws IOException;

    /**
     * Ends the log writes of a group whose every writer deferred its flush ({@link LogDeferral}): the records may stay
     * in the process's buffer; the target notes that the log needs a flush (and a force, under SYNC).
     */
    void deferLog();

    /** Applies one batch to the memtable; {@code userBytes} is what the user wrote (0 for kept writes). */
    void apply(byte[] record, long userBytes);
  }

  /** A barrier's action, run as the head; it may throw {@code E}. */
  interface HeadAction<E extends Exception> {
    void run() throws E;
  }

  private static final class Writer {
    /** The encoded batch, or null for a barrier; a kept writer replaces it with what is left to write. */
    byte[] rep;
    final long userBytes;
    final Condition turn;
    /** A FIFO drop's kept records: committed only as the head of the queue, never forced on their own account. */
    final boolean kept;
    /** The writer's thread has a {@link LogDeferral} open: its records need not leave the process before it returns. */
    final boolean deferred;
    boolean done;
    Throwable error;

    Writer(byte[] rep, long userBytes, Condition turn, boolean kept, boolean deferred) {
      this.rep = rep;
      this.userBytes = userBytes;
      this.turn = turn;
      this.kept = kept;
      this.deferred = deferred;
    }
  }

  private final ReentrantLock mutex;
  private final Env env;
  private final boolean forceGroups;
  private final ArrayDeque<Writer> writers = new ArrayDeque<>();

  /** @param forceGroups force the log for every group that holds a user's write ({@link Durability#SYNC}) */
  CommitQueue(ReentrantLock mutex, Env env, boolean forceGroups) {
    this.mutex = mutex;
    this.env = env;
    this.forceGroups = forceGroups;
  }

  /**
   * With the mutex held: commits {@code rep}, an encoded {@link WriteBatch}, alone or in a leader's group; returns
   * once it is in the log (forced if the store forces) and the memtable, or throws what failed its group. A
   * {@code deferred} commit returns once its record is appended to the log, perhaps still in the process's buffer:
   * a group of deferred commits only ends with {@link Target#deferLog}; one commit that is not deferred makes its
   * whole group flush (or force).
   */
  void commit(byte[] rep, long userBytes, boolean deferred) {
    assert mutex.isHeldByCurrentThread();
    Writer w = new Writer(rep, userBytes, mutex.newCondition(), false, deferred);
    awaitTurn(w);
    if (!w.done) {
      lead();
    }
    rethrow(w);
  }

  /**
   * With the mutex held: runs {@code action} as the head of the queue, when no group is in flight, then hands the
   * head on. What it throws is thrown here.
   */
  <E extends Exception> void barrier(HeadAction<E> action) throws E {
    assert mutex.isHeldByCurrentThread();
    Writer w = new Writer(null, 0, mutex.newCondition(), false, false);
    awaitTurn(w);
    try {
      action.run();
    } finally {
      leaveHead(w);
    }
  }

  /**
   * With the mutex held: commits a FIFO drop's kept batch as the head of the queue. First, with the mutex released
   * and no other write able to land, {@code trim} turns the batch into what is still to be written (null or empty:
   * nothing); that is committed in a group it leads. Returns what was committed, or null.
   */
  byte[] commitKept(byte[] rep, UnaryOperator<byte[]> trim) {
    assert mutex.isHeldByCurrentThread();
    Writer w = new Writer(rep, 0, mutex.newCondition(), true, false);
    // No leader takes a kept writer into its group, so this returns with w at the head.
    awaitTurn(w);
    mutex.unlock();
    try {
      w.rep = trim.apply(w.rep);
    } catch (RuntimeException e) {
      w.rep = null;
      w.error = e;
    } finally {
      mutex.lock();
    }
    if (w.rep == null || Bytes.getInt(w.rep, 8) == 0) {
      w.rep = null;
      leaveHead(w);
    } else {
      lead();
    }
    rethrow(w);
    return w.rep;
  }

  private static void rethrow(Writer w) {
    if (w.error != null) {
      if (w.error instanceof RuntimeException re) {
        throw re;
      }
      if (w.error instanceof Error e) {
        throw e;
      }
      throw new StoreException("write failed: " + w.error.getMessage(), w.error);
    }
  }

  /** With the mutex held: queues {@code w} and waits until it is at the head of the queue or done by a leader. */
  private void awaitTurn(Writer w) {
    assert mutex.isHeldByCurrentThread();
    writers.addLast(w);
    while (!w.done && writers.peekFirst() != w) {
      w.turn.awaitUninterruptibly();
    }
  }

  /** With the mutex held: {@code w}, the head, leaves the queue without a commit; the next writer's turn comes. */
  private void leaveHead(Writer w) {
    assert mutex.isHeldByCurrentThread();
    assert writers.peekFirst() == w;
    writers.pollFirst();
    w.done = true;
    Writer next = writers.peekFirst();
    if (next != null) {
      next.turn.signal();
    }
  }

  /** With the mutex held, as the head: commits a group of batches and hands the head on. */
  private void lead() {
    assert mutex.isHeldByCurrentThread();
    List<Writer> group = new ArrayList<>();
    Throwable error = null;
    try {
      env.makeRoomForWrite();
      int bytes = 0;
      boolean force = false;
      boolean end = false;
      for (Writer x : writers) {
        if (x.rep == null || (x.kept && !group.isEmpty())
            || (!group.isEmpty() && bytes + x.rep.length > MAX_GROUP_BYTES)) {
          break;
        }
        group.add(x);
        bytes += x.rep.length;
        if (!x.deferred) {
          end = true;
          force |= !x.kept && forceGroups;
        }
      }
      long seq = env.lastSequence();
      for (Writer x : group) {
        int count = Bytes.getInt(x.rep, 8);
        Bytes.putLong(x.rep, 0, seq + 1);
        seq += count;
      }
      if (seq > InternalKey.MAX_SEQUENCE) {
        throw new StoreException("sequence numbers exhausted");
      }
      Target target = env.target();
      IOException logFailure = null;
      boolean forcing = false;
      mutex.unlock();
      try {
        for (Writer x : group) {
          target.log(x.rep);
        }
        forcing = force;
        if (end) {
          target.endLog(force);
        } else {
          target.deferLog();
        }
        for (Writer x : group) {
          target.apply(x.rep, x.userBytes);
        }
      } catch (IOException e) {
        logFailure = e;
      } finally {
        mutex.lock();
      }
      env.setLastSequence(seq);
      if (logFailure != null) {
        throw env.logFailed(target, logFailure, forcing);
      }
      env.publish(seq);
    } catch (RuntimeException e) {
      error = e;
    }
    if (group.isEmpty()) {
      group.add(writers.peekFirst());
    }
    for (Writer x : group) {
      Writer head = writers.pollFirst();
      assert head == x;
      head.done = true;
      head.error = error;
      head.turn.signal();
    }
    Writer next = writers.peekFirst();
    if (next != null) {
      next.turn.signal();
    }
  }
}
