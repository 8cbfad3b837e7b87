package io.cairn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.format.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** The group commit alone, over a double of the store (Pebble's commitEnv test): no log, memtable or disk. */
class CommitQueueTest {
  private final ReentrantLock mutex = new ReentrantLock();

  /** Records what the queue did: every log append, every end of a group's log writes, every apply, publishes. */
  private final class Double implements CommitQueue.Env, CommitQueue.Target {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Long> published = new CopyOnWriteArrayList<>();
    final List<Boolean> forces = new CopyOnWriteArrayList<>();
    long lastSequence;
    volatile CountDownLatch holdEndLog;
    volatile CountDownLatch inEndLog;
    volatile IOException failEndLog;

    @Override
    public void makeRoomForWrite() {
      assertTrue(mutex.isHeldByCurrentThread());
    }

    @Override
    public long lastSequence() {
      assertTrue(mutex.isHeldByCurrentThread());
      return lastSequence;
    }

    @Override
    public void setLastSequence(long sequence) {
      assertTrue(mutex.isHeldByCurrentThread());
      lastSequence = sequence;
    }

    @Override
    public CommitQueue.Target target() {
      return this;
    }

    @Override
    public RuntimeException logFailed(CommitQueue.Target target, IOException failure, boolean forcing) {
      assertTrue(mutex.isHeldByCurrentThread());
      events.add("failed");
      return new StoreException("log failed: " + failure.getMessage(), failure);
    }

    @Override
    public void publish(long sequence) {
      assertTrue(mutex.isHeldByCurrentThread());
      published.add(sequence);
    }

    @Override
    public void log(byte[] record) {
      assertFalse(mutex.isHeldByCurrentThread(), "the log is written outside the mutex");
      events.add("log " + label(record) + "@" + Bytes.getLong(record, 0));
    }

    @Override
    public void endLog(boolean force) throws IOException {
      assertFalse(mutex.isHeldByCurrentThread());
      forces.add(force);
      events.add("end");
      CountDownLatch in = inEndLog;
      if (in != null) {
        in.countDown();
      }
      CountDownLatch hold = holdEndLog;
      if (hold != null) {
        try {
          hold.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }
      if (failEndLog != null) {
        throw failEndLog;
      }
    }

    @Override
    public void deferLog() {
      assertFalse(mutex.isHeldByCurrentThread());
      events.add("defer");
    }

    @Override
    public void apply(byte[] record, long userBytes) {
      assertFalse(mutex.isHeldByCurrentThread());
      events.add("apply " + label(record));
    }

    long ends() {
      return events.stream().filter(e -> e.equals("end")).count();
    }
  }

  private static byte[] batch(String key) {
    return new WriteBatch().put(key.getBytes(StandardCharsets.UTF_8), new byte[] {1}).encode(0);
  }

  private static byte[] batch(String key, int ops) {
    WriteBatch b = new WriteBatch();
    for (int i = 0; i < ops; i++) {
      b.put((key + i).getBytes(StandardCharsets.UTF_8), new byte[] {1});
    }
    return b.encode(0);
  }

  /** The first key of a batch, to name it in the events. */
  private static String label(byte[] rep) {
    List<String> keys = new ArrayList<>();
    WriteBatch.forEachOp(rep, (seq, type, key, stored) -> keys.add(new String(key, StandardCharsets.UTF_8)));
    return keys.get(0);
  }

  private void commit(CommitQueue q, byte[] rep) {
    commit(q, rep, false);
  }

  private void commit(CommitQueue q, byte[] rep, boolean deferred) {
    mutex.lock();
    try {
      q.commit(rep, rep.length, deferred);
    } finally {
      mutex.unlock();
    }
  }

  @Test
  void commitsAloneGetConsecutiveSequenceNumbersAndPublishInOrder() {
    Double d = new Double();
    CommitQueue q = new CommitQueue(mutex, d, true);
    commit(q, batch("a"));
    commit(q, batch("b", 3));
    commit(q, batch("c"));
    assertEquals(List.of("log a@1", "end", "apply a", "log b0@2", "end", "apply b0", "log c@5", "end", "apply c"),
        d.events);
    assertEquals(List.of(1L, 4L, 5L), d.published);
    assertEquals(List.of(true, true, true), d.forces, "every user's group is forced when the store forces");
  }

  /**
   * Writers that queue while a group is in the log go together in the next group: one append each, one force for
   * all of them, and each returns only once its group is published.
   */
  @Test
  void writersQueuedBehindALeaderShareOneForce() throws Exception {
    Double d = new Double();
    CommitQueue q = new CommitQueue(mutex, d, true);
    d.holdEndLog = new CountDownLatch(1);
    d.inEndLog = new CountDownLatch(1);
    Thread first = new Thread(() -> commit(q, batch("first")));
    first.start();
    assertTrue(d.inEndLog.await(60, TimeUnit.SECONDS));
    List<Thread> followers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String key = "f" + i;
      Thread t = new Thread(() -> commit(q, batch(key)));
      followers.add(t);
      t.start();
    }
    awaitQueued(q, 5);
    assertEquals(1, d.ends(), "the followers wait while the first group is in the log");
    d.inEndLog = null;
    d.holdEndLog.countDown();
    d.holdEndLog = null;
    first.join();
    for (Thread t : followers) {
      t.join();
    }
    assertEquals(2, d.ends(), "one group for the five followers: " + d.events);
    assertEquals(6, d.events.stream().filter(e -> e.startsWith("apply")).count());
    assertEquals(List.of(1L, 6L), d.published);
  }

  /**
   * A deferred commit ends its group without a flush; a group that holds one writer that does not defer flushes (and
   * forces) for all of its writers, deferred or not.
   */
  @Test
  void deferredCommitsEndWithoutAFlushUnlessAWriterInTheirGroupDoesNotDefer() throws Exception {
    Double d = new Double();
    CommitQueue q = new CommitQueue(mutex, d, true);
    commit(q, batch("alone"), true);
    assertEquals(List.of("log alone@1", "defer", "apply alone"), d.events);
    assertTrue(d.forces.isEmpty(), "a deferred group is not forced");

    d.events.clear();
    d.holdEndLog = new CountDownLatch(1);
    d.inEndLog = new CountDownLatch(1);
    Thread first = new Thread(() -> commit(q, batch("first")));
    first.start();
    assertTrue(d.inEndLog.await(60, TimeUnit.SECONDS));
    Thread deferred = new Thread(() -> commit(q, batch("deferred"), true));
    deferred.start();
    awaitQueued(q, 1);
    Thread plain = new Thread(() -> commit(q, batch("plain")));
    plain.start();
    awaitQueued(q, 2);
    d.inEndLog = null;
    d.holdEndLog.countDown();
    d.holdEndLog = null;
    first.join();
    deferred.join();
    plain.join();
    assertEquals(List.of("log first@2", "end", "apply first", "log deferred@3", "log plain@4", "end",
        "apply deferred", "apply plain"), d.events, "the second group flushes for the writer that does not defer");
    assertEquals(List.of(true, true), d.forces);
  }

  /** Waits until {@code n} writers wait behind the head (the queue's length, read under the mutex). */
  private void awaitQueued(CommitQueue q, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      mutex.lock();
      try {
        if (queued(q) >= n + 1) {
          return;
        }
      } finally {
        mutex.unlock();
      }
      assertTrue(System.nanoTime() < deadline, "writers never queued");
      Thread.sleep(1);
    }
  }

  private static int queued(CommitQueue q) {
    try {
      java.lang.reflect.Field f = CommitQueue.class.getDeclaredField("writers");
      f.setAccessible(true);
      return ((java.util.ArrayDeque<?>) f.get(q)).size();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A failed log write fails every writer of its group, applies and publishes nothing, and uses up its sequence
   * numbers (the records may be in the log), so the next group's numbers are new.
   */
  @Test
  void aFailedLogWriteFailsItsGroupAndUsesUpItsNumbers() {
    Double d = new Double();
    CommitQueue q = new CommitQueue(mutex, d, false);
    commit(q, batch("a"));
    d.failEndLog = new IOException("disk gone");
    StoreException e = assertThrows(StoreException.class, () -> commit(q, batch("b", 2)));
    assertTrue(e.getMessage().contains("disk gone"), e.getMessage());
    d.failEndLog = null;
    commit(q, batch("c"));
    assertEquals(List.of("log a@1", "end", "apply a", "log b0@2", "end", "failed", "log c@4", "end", "apply c"),
        d.events);
    assertEquals(List.of(1L, 4L), d.published);
    assertEquals(List.of(false, false, false), d.forces, "nothing is forced when the store does not force");
  }

  /** A barrier runs with no group in flight: a barrier queued behind a group in the log waits for it to end. */
  @Test
  void aBarrierRunsBetweenGroups() throws Exception {
    Double d = new Double();
    CommitQueue q = new CommitQueue(mutex, d, true);
    d.holdEndLog = new CountDownLatch(1);
    d.inEndLog = new CountDownLatch(1);
    Thread writer = new Thread(() -> commit(q, batch("w")));
    writer.start();
    assertTrue(d.inEndLog.await(60, TimeUnit.SECONDS));
    Thread barrier = new Thread(() -> {
      mutex.lock();
      try {
        q.barrier(() -> d.events.add("barrier"));
      } finally {
        mutex.unlock();
      }
    });
    barrier.start();
    awaitQueued(q, 1);
    d.inEndLog = null;
    d.holdEndLog.countDown();
    d.holdEndLog = null;
    writer.join();
    barrier.join();
    assertEquals(List.of("log w@1", "end", "apply w", "barrier"), d.events);
  }

  /**
   * A kept batch leads a group of its own as the head, trims itself outside the mutex first, is not forced on its own
   * account, and commits nothing when the trim leaves nothing.
   */
  @Test
  void aKeptBatchTrimsItselfOutsideTheMutexAndIsNotForced() {
    Double d = new Double();
    CommitQueue q = new CommitQueue(mutex, d, true);
    mutex.lock();
    try {
      byte[] committed = q.commitKept(batch("k", 2), rep -> {
        assertFalse(mutex.isHeldByCurrentThread(), "the trim runs outside the mutex");
        return WriteBatch.without(rep, key -> new String(key, StandardCharsets.UTF_8).equals("k0"));
      });
      assertEquals(1, Bytes.getInt(committed, 8), "one op left after the trim");
      assertNull(q.commitKept(batch("gone"), rep -> null), "nothing left, nothing committed");
    } finally {
      mutex.unlock();
    }
    assertEquals(List.of("log k1@1", "end", "apply k1"), d.events);
    assertEquals(List.of(false), d.forces, "a kept batch alone is not forced");
    assertEquals(List.of(1L), d.published);
  }

  /** Batches past the group's byte limit go in the next group, in order. */
  @Test
  void groupsStopAtTheirByteLimit() throws Exception {
    Double d = new Double();
    CommitQueue q = new CommitQueue(mutex, d, false);
    d.holdEndLog = new CountDownLatch(1);
    d.inEndLog = new CountDownLatch(1);
    Thread first = new Thread(() -> commit(q, batch("first")));
    first.start();
    assertTrue(d.inEndLog.await(60, TimeUnit.SECONDS));
    byte[] big = new WriteBatch().put("big".getBytes(StandardCharsets.UTF_8),
        new byte[CommitQueue.MAX_GROUP_BYTES - 10]).encode(0);
    Thread a = new Thread(() -> commit(q, big));
    a.start();
    awaitQueued(q, 1);
    Thread b = new Thread(() -> commit(q, batch("small")));
    b.start();
    awaitQueued(q, 2);
    d.inEndLog = null;
    d.holdEndLog.countDown();
    d.holdEndLog = null;
    first.join();
    a.join();
    b.join();
    assertEquals(3, d.ends(), "the big batch fills a group; the small one waits for the next: " + d.events);
  }
}
