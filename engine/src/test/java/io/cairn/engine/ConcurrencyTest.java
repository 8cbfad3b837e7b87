package io.cairn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Writers, point readers and scanners on many threads while flushes and compactions run.
 *
 * <p>Writer t owns rows {@code t/0 .. t/9} and writes them all in one batch with the same counter value, counting up.
 * So: a scan (a snapshot) must see every writer's ten rows with one value; a point reader must never see a row's
 * counter go backwards; and at the end every row holds its writer's last counter. Another writer thread races on
 * shared keys to exercise group commit. Duration: {@code -Dcairn.concurrency.millis} (default 3000 per style).
 */
class ConcurrencyTest {
  @TempDir Path dir;

  private static final int WRITERS = 4;
  private static final int ROWS = 10;

  private static byte[] row(int writer, int row) {
    return String.format("w%02d/r%02d", writer, row).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] counter(long c) {
    byte[] pad = new byte[40];
    ByteBuffer.wrap(pad).putLong(c);
    return pad;
  }

  private static long counterOf(byte[] v) {
    return ByteBuffer.wrap(v).getLong();
  }

  @ParameterizedTest
  @EnumSource(value = CompactionStyle.class, names = {"LEVELED", "TIERED", "LAZY_LEVELED"})
  void readersSeeAtomicBatchesAndSnapshots(CompactionStyle style) throws Exception {
    long millis = Long.getLong("cairn.concurrency.millis", 3000);
    Options o = Options.defaults().compactionStyle(style).memtableBytes(32 * 1024).targetFileBytes(32 * 1024)
        .blockBytes(512).sizeRatio(3).level0CompactionTrigger(2).levelBaseBytes(64 * 1024)
        .blockCacheBytes(256 * 1024);
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    long[] last = new long[WRITERS];
    AtomicLong scans = new AtomicLong();
    AtomicLong reads = new AtomicLong();
    try (Store s = Store.open(dir, o)) {
      List<Thread> threads = new ArrayList<>();
      CountDownLatch start = new CountDownLatch(1);
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        threads.add(new Thread(() -> {
          await(start);
          long c = 0;
          while (!stop.get()) {
            c++;
            WriteBatch b = new WriteBatch();
            for (int r = 0; r < ROWS; r++) {
              b.put(row(writer, r), counter(c));
            }
            s.write(b);
            last[writer] = c;
          }
        }, "writer-" + w));
      }
      threads.add(new Thread(() -> {
        await(start);
        long i = 0;
        while (!stop.get()) {
          byte[] k = ("shared/" + (i++ % 500)).getBytes(StandardCharsets.UTF_8);
          if (i % 5 == 0) {
            s.delete(k);
          } else {
            s.put(k, counter(i));
          }
        }
      }, "shared-writer"));
      for (int t = 0; t < 3; t++) {
        int seedOffset = t;
        threads.add(new Thread(() -> {
          await(start);
          long[][] seen = new long[WRITERS][ROWS];
          int i = seedOffset;
          while (!stop.get()) {
            int w = i % WRITERS;
            int r = (i / WRITERS) % ROWS;
            i += 7;
            byte[] v = s.get(row(w, r));
            if (v != null) {
              long c = counterOf(v);
              if (c < seen[w][r]) {
                throw new AssertionError("row " + w + "/" + r + " went back from " + seen[w][r] + " to " + c);
              }
              seen[w][r] = c;
            }
            reads.incrementAndGet();
          }
        }, "reader-" + t));
      }
      threads.add(new Thread(() -> {
        await(start);
        while (!stop.get()) {
          Map<Integer, Long> byWriter = new HashMap<>();
          int rowsSeen = 0;
          try (Cursor c = s.scan("w".getBytes(), "x".getBytes())) {
            while (c.hasNext()) {
              Entry e = c.next();
              int w = Integer.parseInt(new String(e.key(), 1, 2, StandardCharsets.UTF_8));
              long value = counterOf(e.value());
              Long prev = byWriter.putIfAbsent(w, value);
              if (prev != null && prev != value) {
                throw new AssertionError("scan saw writer " + w + " rows at counters " + prev + " and " + value
                    + ": a batch was split or the scan is not a snapshot");
              }
              rowsSeen++;
            }
          }
          if (rowsSeen % ROWS != 0) {
            throw new AssertionError("scan saw " + rowsSeen + " rows, not whole batches");
          }
          scans.incrementAndGet();
        }
      }, "scanner"));
      threads.add(new Thread(() -> {
        await(start);
        int i = 0;
        while (!stop.get()) {
          if (i++ % 4 == 3) {
            s.compact();
          } else {
            s.flush();
          }
          sleep(50);
        }
      }, "maintenance"));
      for (Thread t : threads) {
        t.setUncaughtExceptionHandler((th, e) -> errors.add(e));
        t.start();
      }
      start.countDown();
      Thread.sleep(millis);
      stop.set(true);
      for (Thread t : threads) {
        t.join(60_000);
      }
      if (!errors.isEmpty()) {
        AssertionError e = new AssertionError(style + ": " + errors.size() + " thread(s) failed");
        errors.forEach(e::addSuppressed);
        throw e;
      }
      for (int w = 0; w < WRITERS; w++) {
        for (int r = 0; r < ROWS; r++) {
          assertEquals(last[w], counterOf(s.get(row(w, r))), "final value of row " + w + "/" + r);
        }
      }
      StoreStatistics st = s.statistics();
      System.out.printf("ConcurrencyTest %s: %d reads, %d scans, %d flushes, %d compactions, stall %d us%n", style,
          reads.get(), scans.get(), st.flush().count(), st.compact().count(), st.writes().stallMicros());
      assertTrue(scans.get() > 0 && reads.get() > 0 && st.compact().count() > 0, st.toString());
    }
    try (Store s = Store.open(dir, o)) {
      for (int w = 0; w < WRITERS; w++) {
        assertEquals(last[w], counterOf(s.get(row(w, 0))), "after reopen, writer " + w);
      }
    }
  }

  private static void await(CountDownLatch l) {
    try {
      l.await();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
