package io.cairn.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.fs.FaultInjectionFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a store's {@link EventListener} hears, on which thread, and that a failing listener breaks nothing. */
class EventListenerTest {
  @TempDir Path dir;

  static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  /** Records every event with the thread that delivered it. */
  static class Recorder implements EventListener {
    record Heard(String kind, Object info, String thread) {}

    final List<Heard> heard = new CopyOnWriteArrayList<>();

    private void add(String kind, Object info) {
      heard.add(new Heard(kind, info, Thread.currentThread().getName()));
    }

    @Override
    public void onFlushBegin(FlushInfo info) {
      add("flushBegin", info);
    }

    @Override
    public void onFlushEnd(FlushInfo info) {
      add("flushEnd", info);
    }

    @Override
    public void onCompactionBegin(CompactionInfo info) {
      add("compactionBegin", info);
    }

    @Override
    public void onCompactionEnd(CompactionInfo info) {
      add("compactionEnd", info);
    }

    @Override
    public void onWriteStallBegin(WriteStallInfo info) {
      add("stallBegin", info);
    }

    @Override
    public void onWriteStallEnd(WriteStallInfo info) {
      add("stallEnd", info);
    }

    @Override
    public void onBackgroundError(StoreError error) {
      add("error", error);
    }

    @Override
    public void onCorruption(CorruptionInfo info) {
      add("corruption", info);
    }

    @Override
    public void onErrorCleared(ErrorClearedInfo info) {
      add("cleared", info);
    }

    @Override
    public void onTableDropped(TableDroppedInfo info) {
      add("dropped", info);
    }

    @SuppressWarnings("unchecked")
    <T> List<T> of(String kind) {
      List<T> out = new ArrayList<>();
      for (Heard h : heard) {
        if (h.kind().equals(kind)) {
          out.add((T) h.info());
        }
      }
      return out;
    }

    void await(Predicate<Recorder> condition, String what) throws InterruptedException {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!condition.test(this)) {
        assertTrue(System.nanoTime() < deadline, "never heard " + what + "; heard " + heard);
        Thread.sleep(5);
      }
    }
  }

  private static Options small() {
    return Options.defaults().memtableBytes(32 * 1024).targetFileBytes(32 * 1024).level0CompactionTrigger(2)
        .levelBaseBytes(64 * 1024).errorRetryMillis(5, 100);
  }

  /**
   * Every flush and compaction has a begin and an end with the same job id, the end after the begin, with its tables;
   * compactions say why; all arrive on the store's event thread, and a listener may read the store.
   */
  @Test
  void flushesAndCompactionsBeginAndEndOnTheEventThread() throws Exception {
    Store[] store = new Store[1];
    List<String> readsFromListener = new CopyOnWriteArrayList<>();
    Recorder r = new Recorder() {
      @Override
      public void onFlushEnd(FlushInfo info) {
        super.onFlushEnd(info);
        byte[] v = store[0].get(b("k00000"));
        readsFromListener.add(v == null ? "null" : new String(v, UTF_8));
      }
    };
    try (Store s = Store.open(dir, small().eventListener(r))) {
      store[0] = s;
      for (int i = 0; i < 20_000; i++) {
        s.put(b(String.format("k%05d", i % 5000)), b("value " + i + " " + "x".repeat(40)));
      }
      s.flush();
      s.compact();
    }
    List<EventListener.FlushInfo> flushBegins = r.of("flushBegin");
    List<EventListener.FlushInfo> flushEnds = r.of("flushEnd");
    assertTrue(flushBegins.size() > 5, "flushes: " + flushBegins.size());
    assertEquals(flushBegins.size(), flushEnds.size());
    Map<Integer, Integer> beganAt = new HashMap<>();
    for (int i = 0; i < r.heard.size(); i++) {
      Recorder.Heard h = r.heard.get(i);
      assertTrue(h.thread().startsWith("cairn-events"), h + " was delivered on " + h.thread());
      if (h.info() instanceof EventListener.FlushInfo f) {
        if (h.kind().equals("flushBegin")) {
          assertNull(beganAt.put(f.jobId(), i), "job " + f.jobId() + " began twice");
          assertTrue(f.output().isEmpty() && f.memtableBytes() > 0, f.toString());
        } else {
          assertNotNull(beganAt.get(f.jobId()), "flush " + f.jobId() + " ended before it began");
          assertNull(f.error());
          assertEquals(1, f.output().size(), f.toString());
          assertTrue(f.output().get(0).fileBytes() > 0 && f.output().get(0).entries() > 0, f.toString());
        }
      }
    }
    List<EventListener.CompactionInfo> compactionBegins = r.of("compactionBegin");
    List<EventListener.CompactionInfo> compactionEnds = r.of("compactionEnd");
    assertTrue(compactionBegins.size() > 1, "compactions: " + compactionBegins.size());
    assertEquals(compactionBegins.size(), compactionEnds.size());
    for (EventListener.CompactionInfo c : compactionEnds) {
      assertFalse(c.reason().isBlank(), c.toString());
      assertNull(c.error(), c.toString());
      assertFalse(c.input().isEmpty(), c.toString());
      assertFalse(c.output().isEmpty(), c.toString());
    }
    assertTrue(compactionEnds.stream().anyMatch(c -> c.reason().equals("manual full compaction")),
        "the manual compaction says so: " + compactionEnds);
    assertEquals(flushEnds.size(), readsFromListener.size());
    assertFalse(readsFromListener.contains("null"), "the listener reads the store: " + readsFromListener);
  }

  /** Writes waiting for a flush that cannot finish are a write stall: begin while they wait, end once they go on. */
  @Test
  void aStallBeginsWhileWritesWaitAndEndsWhenTheyGoOn() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Recorder r = new Recorder();
    try (Store s = Store.open(dir, small().fileSystem(fs).maxImmutableMemtables(1)
        .compactionStyle(CompactionStyle.NONE).eventListener(r))) {
      fs.pauseAppends(p -> p.getFileName().toString().endsWith(".sst"));
      Thread writer = new Thread(() -> {
        for (int i = 0; i < 5_000; i++) {
          s.put(b("k" + i), new byte[100]);
        }
      });
      writer.start();
      r.await(x -> !x.of("stallBegin").isEmpty(), "a stall begin");
      EventListener.WriteStallInfo begin = r.<EventListener.WriteStallInfo>of("stallBegin").get(0);
      assertTrue(begin.reason().contains("wait for flush"), begin.toString());
      assertTrue(r.of("stallEnd").isEmpty(), "no end while the flush is stuck");
      fs.resumeAppends();
      writer.join(60_000);
      assertFalse(writer.isAlive());
      r.await(x -> x.of("stallEnd").size() == x.of("stallBegin").size(), "every stall's end");
      EventListener.WriteStallInfo end = r.<EventListener.WriteStallInfo>of("stallEnd").get(0);
      assertTrue(end.duration().toNanos() > 0, end.toString());
    }
  }

  /** A full disk is heard as a background error, its recovery as cleared; damaged data as corruption. */
  @Test
  void errorsRecoveriesAndCorruptionAreHeard() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Recorder r = new Recorder();
    try (Store s = Store.open(dir, small().fileSystem(fs).compactionStyle(CompactionStyle.NONE).eventListener(r))) {
      s.put(b("a"), b("1"));
      fs.noSpaceFor(p -> p.getFileName().toString().endsWith(".log"));
      assertThrows(StoreException.class, () -> s.put(b("b"), b("2")));
      r.await(x -> !x.of("error").isEmpty(), "the error");
      StoreError e = r.<StoreError>of("error").get(0);
      assertEquals(StoreError.Kind.NO_SPACE, e.kind());
      assertEquals(StoreError.Operation.WAL_WRITE, e.operation());
      fs.freeDisk();
      r.await(x -> !x.of("cleared").isEmpty(), "the error cleared");
      EventListener.ErrorClearedInfo cleared = r.<EventListener.ErrorClearedInfo>of("cleared").get(0);
      assertEquals(StoreError.Kind.NO_SPACE, cleared.error().kind());
      assertTrue(cleared.retries() >= 1, cleared.toString());
      s.put(b("c"), b("3"));
      s.flush();
    }
    List<Path> tables;
    try (var files = Files.list(dir)) {
      tables = files.filter(p -> p.toString().endsWith(".sst")).toList();
    }
    for (Path table : tables) {
      byte[] bytes = Files.readAllBytes(table);
      bytes[3] ^= 0x5a;
      Files.write(table, bytes);
    }
    Recorder again = new Recorder();
    try (Store s = Store.open(dir, small().compactionStyle(CompactionStyle.NONE).eventListener(again))) {
      assertThrows(CorruptionException.class, () -> s.get(b("a")));
      // Both events are delivered on the event thread, in either order: wait for both.
      again.await(x -> !x.of("corruption").isEmpty() && !x.of("error").isEmpty(), "the corruption and its error");
      EventListener.CorruptionInfo c = again.<EventListener.CorruptionInfo>of("corruption").get(0);
      assertTrue(tables.contains(c.file()), c + " names one of " + tables);
      assertEquals(0, c.offset(), "the first data block starts the file");
      assertEquals(StoreError.Operation.READ, c.operation());
      assertEquals(StoreError.Severity.FATAL, again.<StoreError>of("error").get(0).severity());
    }
  }

  /** A FIFO store says which tables it dropped and why: past its budget, or all expired. */
  @Test
  void fifoDropsSayWhy() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    Recorder r = new Recorder();
    Options o = Options.defaults().compactionStyle(CompactionStyle.FIFO).fifoMergeWidth(0).fifoMaxBytes(200_000)
        .memtableBytes(32 * 1024).clock(now::get).eventListener(r).compression(Compression.NONE);
    try (Store s = Store.open(dir, o)) {
      for (int i = 0; i < 200; i++) {
        s.put(b("expiring" + i), new byte[100], now.get() + 10);
      }
      s.flush();
      now.addAndGet(1000);
      s.compact();
      for (int i = 0; i < 10_000; i++) {
        s.put(b("k" + i), new byte[100]);
      }
      s.flush();
      s.compact();
    }
    List<EventListener.TableDroppedInfo> dropped = r.of("dropped");
    assertTrue(dropped.stream().anyMatch(d -> d.reason() == EventListener.DropReason.EXPIRED), dropped.toString());
    assertTrue(dropped.stream().anyMatch(d -> d.reason() == EventListener.DropReason.BUDGET), dropped.toString());
    for (EventListener.TableDroppedInfo d : dropped) {
      assertTrue(d.table().fileBytes() > 0 && d.table().entries() > 0, d.toString());
    }
    assertTrue(r.<EventListener.CompactionInfo>of("compactionEnd").stream()
        .anyMatch(c -> c.dropOnly() && c.reason().startsWith("fifo: budget")), r.heard.toString());
  }

  /** A listener that throws on every event changes nothing the store does; its failures are counted. */
  @Test
  void aThrowingListenerBreaksNothing() {
    EventListener failing = new EventListener() {
      @Override
      public void onFlushBegin(FlushInfo info) {
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void onFlushEnd(FlushInfo info) {
        throw new AssertionError("listener bug");
      }

      @Override
      public void onCompactionEnd(CompactionInfo info) {
        throw new IllegalStateException("listener bug");
      }
    };
    try (Store s = Store.open(dir, small().eventListener(failing))) {
      for (int i = 0; i < 10_000; i++) {
        s.put(b("k" + (i % 3000)), b("v" + i));
      }
      s.flush();
      s.compact();
      for (int i = 7000; i < 10_000; i++) {
        assertArrayEquals(b("v" + i), s.get(b("k" + (i % 3000))));
      }
      StoreStatistics st = s.statistics();
      assertTrue(st.flush().count() > 0 && st.compact().count() > 0, st.toString());
      assertTrue(s.backgroundError().isEmpty());
    }
    try (Store s = Store.open(dir, small())) {
      assertArrayEquals(b("v9999"), s.get(b("k" + (9999 % 3000))));
    }
  }
}
