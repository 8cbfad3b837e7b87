package io.cairn.jcache;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a cache's expiry scan four times a second on the provider's one timer thread, so EXPIRED events fire within
 * about a second of the deadline even if nobody touches the key, until {@link #cancel}. A scan that fails is
 * skipped: the timer keeps running, and a closed store or failing listener is reported by the next operation. The
 * scan counts the entries it expires here ({@link #expired()}), for {@link TierStatistics#timerExpiries()}.
 */
final class ExpiryTimer {
  static final long PERIOD_MILLIS = 250;

  /** One daemon thread runs every cache's expiry scan (each tick is a short scan). */
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "cairn-expiry");
    t.setDaemon(true);
    return t;
  });

  private final ScheduledFuture<?> task;
  /** Entries the scans expired; bumped by the scan (the timer thread, or a test calling the scan itself). */
  private final java.util.concurrent.atomic.LongAdder expired = new java.util.concurrent.atomic.LongAdder();

  ExpiryTimer(Runnable scan) {
    this.task = TIMER.scheduleWithFixedDelay(() -> {
      try {
        scan.run();
      } catch (RuntimeException | Error e) {
        // Reported by the next operation on the cache (see the class comment).
      }
    }, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  void cancel() {
    task.cancel(false);
  }

  /** Called by the scan for each entry it expires. */
  void expiredOne() {
    expired.increment();
  }

  /** Entries the scans expired since the timer started. */
  long expired() {
    return expired.sum();
  }
}
