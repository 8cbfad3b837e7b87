package io.cairn.engine;

import java.util.Arrays;

/**
 * Log flushes a thread puts off until it acknowledges its writes, as a server does that answers a whole read of
 * pipelined commands in one reply (Redis writes its append-only file once per event-loop turn, before the replies).
 * While a deferral is open on a thread, a {@link Durability#BUFFERED} or {@link Durability#SYNC} write made on that
 * thread returns once it is in the memtable and its record is appended to the log, perhaps still in the process's
 * buffer; {@link #close} then hands each store's log to the OS (forces it, under SYNC) at most once, and only from
 * then are those writes as durable as their store's durability says. Until then they are visible to readers (on any
 * thread) but a crash may lose them, so nothing that depends on their durability may be told of them before
 * {@code close} returns. Writes on other threads, and writes to stores without a log, are not affected.
 *
 * <p>Not thread-safe: a deferral belongs to the thread that opened it; one may be open per thread at a time.
 */
public final class LogDeferral implements AutoCloseable {
  private static final ThreadLocal<LogDeferral> CURRENT = new ThreadLocal<>();

  private final Thread owner = Thread.currentThread();
  private Store[] stores = new Store[2];
  /** Each store's {@code logBreaks} when this deferral first wrote to it. */
  private int[] breaks = new int[2];
  private int count;
  private boolean closed;

  private LogDeferral() {}

  /**
   * Opens a deferral on the calling thread.
   *
   * @throws IllegalStateException if one is already open on it
   */
  public static LogDeferral open() {
    if (CURRENT.get() != null) {
      throw new IllegalStateException("a log deferral is already open on thread " + Thread.currentThread().getName());
    }
    LogDeferral d = new LogDeferral();
    CURRENT.set(d);
    return d;
  }

  /** The deferral open on the calling thread, or null. */
  static LogDeferral current() {
    return CURRENT.get();
  }

  /** A deferred write went to {@code store}, whose log had broken {@code logBreaks} times; called with its mutex. */
  void note(Store store, int logBreaks) {
    for (int i = 0; i < count; i++) {
      if (stores[i] == store) {
        return;
      }
    }
    if (count == stores.length) {
      stores = Arrays.copyOf(stores, count * 2);
      breaks = Arrays.copyOf(breaks, count * 2);
    }
    stores[count] = store;
    breaks[count] = logBreaks;
    count++;
  }

  /**
   * Ends the deferral: the log of every store a deferred write went to is handed to the OS (forced, under SYNC)
   * unless another write already did. Calling it again does nothing.
   *
   * @throws StoreException if a store's log could not be written or forced, or broke after a deferred write went to
   *     it: those writes may be lost (each further store's failure is suppressed in the first)
   * @throws IllegalStateException if called on another thread than the one that opened it
   */
  @Override
  public void close() {
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException("a log deferral is closed on the thread that opened it (" + owner.getName()
          + "), not on " + Thread.currentThread().getName());
    }
    if (closed) {
      return;
    }
    closed = true;
    CURRENT.remove();
    StoreException failure = null;
    for (int i = 0; i < count; i++) {
      try {
        stores[i].flushDeferred(breaks[i]);
      } catch (RuntimeException e) {
        StoreException se = e instanceof StoreException s ? s
            : new StoreException("handing the log of a store to the OS failed: " + e, e);
        if (failure == null) {
          failure = se;
        } else {
          failure.addSuppressed(se);
        }
      }
      stores[i] = null;
    }
    count = 0;
    if (failure != null) {
      throw failure;
    }
  }
}
