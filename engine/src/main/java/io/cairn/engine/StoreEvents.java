package io.cairn.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Delivers a store's events to its {@link EventListener}: callers queue an event (with or without the store's mutex
 * held) and one task at a time on the store's event lane calls the listener, in order, outside every store lock. A
 * listener's failure is caught and counted, and the first one logged, so that no listener breaks the store. With
 * {@link EventListener#NONE} nothing is queued.
 *
 * <p>Thread-safety: {@code queue} and {@code draining} are guarded by this object's monitor; the listener is called
 * without it.
 */
final class StoreEvents {
  private static final System.Logger LOG = System.getLogger("io.cairn.engine.Store");

  private final Path dir;
  private final EventListener listener;
  private final Executor lane;
  private final ArrayDeque<Consumer<EventListener>> queue = new ArrayDeque<>();
  private boolean draining;
  final LongAdder listenerFailures = new LongAdder();

  StoreEvents(Path dir, EventListener listener, Executor lane) {
    this.dir = dir;
    this.listener = listener;
    this.lane = lane;
  }

  /** Whether anyone listens: callers skip building an event's details when not. */
  boolean enabled() {
    return listener != EventListener.NONE;
  }

  void flushBegin(int jobId, long memtableBytes) {
    post(l -> l.onFlushBegin(new EventListener.FlushInfo(dir, jobId, memtableBytes, List.of(), Duration.ZERO, null)));
  }

  void flushEnd(int jobId, long memtableBytes, List<EventListener.TableInfo> output, long startNanos,
      Throwable error) {
    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
    post(l -> l.onFlushEnd(new EventListener.FlushInfo(dir, jobId, memtableBytes, output, took, error)));
  }

  void compactionBegin(int jobId, String reason, boolean dropOnly, List<EventListener.TableInfo> input,
      int outputLevel) {
    post(l -> l.onCompactionBegin(new EventListener.CompactionInfo(dir, jobId, reason, dropOnly, input, outputLevel,
        List.of(), Duration.ZERO, null)));
  }

  void compactionEnd(int jobId, String reason, boolean dropOnly, List<EventListener.TableInfo> input,
      int outputLevel, List<EventListener.TableInfo> output, long startNanos, Throwable error) {
    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
    post(l -> l.onCompactionEnd(new EventListener.CompactionInfo(dir, jobId, reason, dropOnly, input, outputLevel,
        output, took, error)));
  }

  void stallBegin(String reason) {
    post(l -> l.onWriteStallBegin(new EventListener.WriteStallInfo(dir, reason, Duration.ZERO)));
  }

  void stallEnd(String reason, long startNanos) {
    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
    post(l -> l.onWriteStallEnd(new EventListener.WriteStallInfo(dir, reason, took)));
  }

  void backgroundError(StoreError error) {
    post(l -> l.onBackgroundError(error));
  }

  void corruption(StoreError.Operation operation, CorruptionException e) {
    post(l -> l.onCorruption(new EventListener.CorruptionInfo(dir, e.file(), e.offset(), operation, e)));
  }

  void errorCleared(StoreError error, int retries, long sinceNanos) {
    Duration stood = Duration.ofNanos(System.nanoTime() - sinceNanos);
    post(l -> l.onErrorCleared(new EventListener.ErrorClearedInfo(dir, error, retries, stood)));
  }

  void tableDropped(EventListener.TableInfo table, EventListener.DropReason reason) {
    post(l -> l.onTableDropped(new EventListener.TableDroppedInfo(dir, table, reason)));
  }

  private void post(Consumer<EventListener> event) {
    if (!enabled()) {
      return;
    }
    synchronized (this) {
      queue.addLast(event);
      if (draining) {
        return;
      }
      draining = true;
    }
    try {
      lane.execute(this::drain);
    } catch (RejectedExecutionException closed) {
      // Only after close, which waits for every event queued before it: nothing is left to hear this one.
      synchronized (this) {
        queue.clear();
        draining = false;
        notifyAll();
      }
    }
  }

  private void drain() {
    while (true) {
      Consumer<EventListener> event;
      synchronized (this) {
        event = queue.pollFirst();
        if (event == null) {
          draining = false;
          notifyAll();
          return;
        }
      }
      deliver(event);
    }
  }

  private void deliver(Consumer<EventListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      listenerFailures.increment();
      if (listenerFailures.sum() == 1) {
        LOG.log(System.Logger.Level.WARNING, "store " + dir + ": the event listener " + listener.getClass().getName()
            + " threw; the store goes on (later failures are only counted)", e);
      }
    }
  }

  /** Waits until every event queued so far has been delivered (at close). */
  synchronized void awaitDelivered() throws InterruptedException {
    while (draining) {
      wait();
    }
  }
}
