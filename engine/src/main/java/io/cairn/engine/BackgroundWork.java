package io.cairn.engine;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The tasks one store has handed to its environment's threads (flushes, compactions, retries, file sweeps): counted,
 * so that close can wait for the store's own tasks on threads other stores go on using, and refused once the store
 * has stopped its background work.
 *
 * <p>Thread-safety: {@code running} and {@code stopped} are guarded by this object's monitor.
 */
final class BackgroundWork {
  private int running;
  private boolean stopped;

  /** Runs {@code task} on {@code lane} unless background work has stopped; false if it was refused. */
  boolean submit(Executor lane, Runnable task) {
    synchronized (this) {
      if (stopped) {
        return false;
      }
      running++;
    }
    try {
      lane.execute(() -> {
        try {
          task.run();
        } finally {
          done();
        }
      });
      return true;
    } catch (RejectedExecutionException shutDown) {
      done();
      return false;
    }
  }

  private synchronized void done() {
    running--;
    if (running == 0) {
      notifyAll();
    }
  }

  /** Refuses new tasks and waits (up to {@code timeoutMillis}) until the store's running and queued ones are done. */
  synchronized void stopAndAwait(long timeoutMillis) throws InterruptedException {
    stopped = true;
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (running > 0) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return;
      }
      wait(left);
    }
  }
}
