package io.cairn.engine;

import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Holds the error that stands in a store, decides what it stops and when it is retried (RocksDB's
 * {@code ErrorHandler}), and logs once per change of state: a stopped store counts refused writes instead of logging
 * them. The log line names the failure; only a failure that is not I/O ({@link StoreError.Kind#OTHER}, a bug or a
 * failed callback) carries its stack trace.
 *
 * <p>An error replaces the standing one when it is at least as severe and differs in kind or operation; the same
 * failure again (a retry that failed) is only counted. The standing error is cleared by a retry that succeeded, and
 * only if no other error came while it ran ({@link #generation}).
 *
 * <p>Every change of state is also an event for the store's {@link EventListener} (queued, delivered later on the
 * event lane), as is every failure that found damaged data.
 *
 * <p>Thread-safety: {@code current}, {@code sinceNanos}, {@code generation} and {@code failedRetries} change with the store's mutex
 * held ({@link #report}, {@link #clear}, {@link #retryFailed}); {@code current} is volatile so reads and statistics
 * see it without the lock. The counters are atomic.
 */
final class ErrorHandler {
  private static final System.Logger LOG = System.getLogger("io.cairn.engine.Store");

  private final Path dir;
  private final ReentrantLock mutex;
  private final long initialRetryMillis;
  private final long maxRetryMillis;
  private final StoreEvents events;
  private volatile StoreError current;
  /** When the standing error began ({@link System#nanoTime}). */
  private long sinceNanos;
  private int generation;
  private int failedRetries;

  final LongAdder backgroundErrors = new LongAdder();
  final LongAdder retries = new LongAdder();
  final LongAdder recoveries = new LongAdder();
  final LongAdder rejectedWrites = new LongAdder();
  final LongAdder readErrors = new LongAdder();
  final LongAdder corruptions = new LongAdder();

  ErrorHandler(Path dir, ReentrantLock mutex, long initialRetryMillis, long maxRetryMillis, StoreEvents events) {
    this.dir = dir;
    this.mutex = mutex;
    this.initialRetryMillis = initialRetryMillis;
    this.maxRetryMillis = maxRetryMillis;
    this.events = events;
  }

  /** The error that stands, or null when the store is healthy. */
  StoreError current() {
    return current;
  }

  /** Whether writes are refused. */
  boolean writesStopped() {
    StoreError e = current;
    return e != null && e.stopsWrites();
  }

  /** Changes whenever a new error replaces the standing one. With the mutex held. */
  int generation() {
    assert mutex.isHeldByCurrentThread();
    return generation;
  }

  /** With the mutex held: records a failure of {@code operation}; returns the error that now stands. */
  StoreError report(StoreError.Operation operation, Throwable cause) {
    assert mutex.isHeldByCurrentThread();
    StoreError e = StoreError.classify(dir, operation, cause);
    backgroundErrors.increment();
    if (e.kind() == StoreError.Kind.CORRUPTION) {
      corruptions.increment();
      for (Throwable t = cause; t != null; t = t.getCause()) {
        if (t instanceof CorruptionException c) {
          events.corruption(operation, c);
          break;
        }
      }
    }
    StoreError old = current;
    boolean replaces = old == null || e.severity().compareTo(old.severity()) > 0
        || (e.severity() == old.severity() && (e.kind() != old.kind() || e.operation() != old.operation()));
    if (replaces) {
      if (old == null) {
        sinceNanos = System.nanoTime();
      }
      current = e;
      generation++;
      System.Logger.Level level = e.severity() == StoreError.Severity.FATAL ? System.Logger.Level.ERROR
          : System.Logger.Level.WARNING;
      String message = "store " + dir + ": " + e.describe() + "; " + consequence(e);
      if (e.kind() == StoreError.Kind.OTHER) {
        LOG.log(level, message, cause);
      } else {
        LOG.log(level, message);
      }
      events.backgroundError(e);
    }
    return current;
  }

  /** With the mutex held: a retry that began at {@code generationAtStart} succeeded; clears the error it retried. */
  boolean clear(int generationAtStart) {
    assert mutex.isHeldByCurrentThread();
    StoreError e = current;
    if (e == null || generation != generationAtStart) {
      return false;
    }
    current = null;
    generation++;
    int retried = failedRetries;
    failedRetries = 0;
    recoveries.increment();
    LOG.log(System.Logger.Level.INFO, "store " + dir + " recovered from " + e.describe() + " after " + (retried + 1)
        + (retried == 0 ? " retry" : " retries") + "; writes and background work go on");
    events.errorCleared(e, retried + 1, sinceNanos);
    return true;
  }

  /** With the mutex held: a retry failed again; the next waits longer. */
  void retryFailed() {
    assert mutex.isHeldByCurrentThread();
    failedRetries++;
  }

  /** With the mutex held: how long to wait before the next retry (doubling from the initial wait to the maximum). */
  long retryDelayMillis() {
    assert mutex.isHeldByCurrentThread();
    int shift = Math.min(failedRetries, 30);
    return Math.min(maxRetryMillis, initialRetryMillis << shift);
  }

  /** Throws, and counts, if writes are refused. */
  void checkWritable() {
    StoreError e = current;
    if (e != null && e.stopsWrites()) {
      rejectedWrites.increment();
      throw new WritesStoppedException("store " + dir + " accepts no writes after " + e.describe() + "; "
          + consequence(e), e);
    }
  }

  /** What the standing error means for the user, for messages: what works, and what brings writes back. */
  String consequence(StoreError e) {
    return switch (e.severity()) {
      case SOFT -> "writes go on; the failed " + e.operation().name().toLowerCase(java.util.Locale.ROOT)
          + " is retried automatically";
      case HARD -> "reads go on; writes fail until a retry succeeds (automatic, with backoff"
          + (e.kind() == StoreError.Kind.NO_SPACE ? ", once the disk has room" : "") + "; or Store.resume())";
      case FATAL -> "reads of undamaged data go on; writes fail until the store is reopened after the damaged file is"
          + " repaired or removed";
    };
  }
}
