package io.cairn.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Many stores in one environment: bounded threads, open files and cache, with every store's data intact. */
class StoreEnvironmentTest {
  @TempDir Path root;

  static byte[] key(int i) {
    return String.format("key-%06d", i).getBytes(UTF_8);
  }

  static byte[] value(int store, int i) {
    return ("store " + store + " value " + i + " " + "v".repeat(60)).getBytes(UTF_8);
  }

  /** Live threads of {@code env}'s pools, counted by name. */
  static long threadsOf(String envName) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("cairn-")
        && t.getName().contains("-" + envName)).count();
  }

  static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /**
   * 200 stores (as a Hibernate application has regions), each written past its memtable, share two flush threads,
   * two compaction threads, one housekeeping thread, one block cache and at most 64 open table files: the threads
   * and open file descriptors stay that few (beyond each store's lock file and, under BUFFERED, its log), and every
   * store reads back all its data, before and after a reopen.
   */
  @ParameterizedTest
  @EnumSource(value = Durability.class, names = {"NONE", "BUFFERED"})
  void twoHundredStoresShareBoundedThreadsAndFiles(Durability durability) throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "skipped: no /proc/self/fd to count open files");
    int stores = 200;
    int keys = 1200;
    int maxOpen = 64;
    String name = "many" + durability.ordinal();
    long fdsBefore = openFileDescriptors();
    StoreEnvironment env = StoreEnvironment.builder().name(name).flushThreads(2).compactionThreads(2)
        .blockCacheBytes(8L << 20).maxOpenTableFiles(maxOpen).build();
    List<Store> open = new ArrayList<>();
    long maxThreads = 0;
    try {
      for (int s = 0; s < stores; s++) {
        open.add(Store.open(root.resolve("store-" + s), options(env, durability)));
      }
      for (int i = 0; i < keys; i++) {
        for (int s = 0; s < stores; s++) {
          open.get(s).put(key(i), value(s, i));
        }
        if (i % 200 == 0) {
          maxThreads = Math.max(maxThreads, threadsOf(name));
        }
      }
      for (Store s : open) {
        s.flush();
      }
      maxThreads = Math.max(maxThreads, threadsOf(name));
      assertTrue(maxThreads <= 5, maxThreads + " threads for " + stores + " stores; the pools hold 2 + 2 + 1");
      int perStore = durability == Durability.NONE ? 1 : 2;
      long fds = openFileDescriptors() - fdsBefore;
      assertTrue(fds <= (long) stores * perStore + maxOpen + 16, fds + " more open files for " + stores
          + " stores: expected at most " + perStore + " each (lock file" + (perStore == 2 ? ", log" : "")
          + ") plus " + maxOpen + " tables");
      StoreStatistics st = open.get(0).statistics();
      assertTrue(st.environment().shared() && st.environment().stores() == stores, st.toString());
      assertTrue(st.flush().count() >= 1, "each store was written past its memtable: " + st);
      for (int s = 0; s < stores; s++) {
        Store store = open.get(s);
        for (int i = 0; i < keys; i += 7) {
          assertArrayEquals(value(s, i), store.get(key(i)), "store " + s + " key " + i);
        }
      }
      StoreEnvironment.Statistics es = env.statistics();
      assertTrue(es.openTableFiles() <= maxOpen, es.toString());
      assertTrue(es.tableFileEvictions() > 0, "more tables than the bound, so some were closed: " + es);
      assertTrue(es.blockCacheUsedBytes() <= es.blockCacheCapacityBytes(), es.toString());
    } finally {
      for (Store s : open) {
        s.close();
      }
      env.close();
    }
    StoreEnvironment again = StoreEnvironment.builder().name(name + "r").maxOpenTableFiles(maxOpen).build();
    try {
      for (int s = 0; s < stores; s += 17) {
        try (Store store = Store.open(root.resolve("store-" + s), options(again, durability))) {
          for (int i = 0; i < keys; i += 13) {
            assertArrayEquals(value(s, i), store.get(key(i)), "store " + s + " key " + i + " after a reopen");
          }
        }
      }
    } finally {
      again.close();
    }
  }

  private static Options options(StoreEnvironment env, Durability d) {
    return Options.defaults().environment(env).durability(d).compactionStyle(CompactionStyle.FIFO)
        .memtableBytes(32 * 1024).targetFileBytes(64 * 1024).fifoMaxBytes(64L << 20);
  }

  /**
   * Readers race over the tables of 20 stores while the environment keeps only 4 table files open, so handles are
   * closed and reopened under them: every read returns its value.
   */
  @Test
  void readsStayRightWhileFileHandlesAreClosedAndReopened() throws Exception {
    long seed = TestSeeds.seed("StoreEnvironmentTest handles");
    StoreEnvironment env = StoreEnvironment.builder().name("handles").maxOpenTableFiles(4).blockCacheBytes(0)
        .build();
    int stores = 20;
    int keys = 2000;
    List<Store> open = new ArrayList<>();
    try {
      for (int s = 0; s < stores; s++) {
        Store store = Store.open(root.resolve("h-" + s), Options.defaults().environment(env)
            .compactionStyle(CompactionStyle.NONE).memtableBytes(32 * 1024));
        open.add(store);
        for (int i = 0; i < keys; i++) {
          store.put(key(i), value(s, i));
        }
        store.flush();
      }
      List<Throwable> failures = new CopyOnWriteArrayList<>();
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Random r = new Random(seed + t);
        Thread reader = new Thread(() -> {
          try {
            for (int n = 0; n < 20_000; n++) {
              int s = r.nextInt(stores);
              int i = r.nextInt(keys);
              byte[] got = open.get(s).get(key(i));
              if (!java.util.Arrays.equals(value(s, i), got)) {
                throw new AssertionError("seed " + seed + ": store " + s + " key " + i + " read "
                    + (got == null ? "null" : new String(got, UTF_8)));
              }
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        });
        readers.add(reader);
        reader.start();
      }
      for (Thread reader : readers) {
        reader.join();
      }
      assertTrue(failures.isEmpty(), failures.toString());
      StoreEnvironment.Statistics es = env.statistics();
      assertTrue(es.tableFileEvictions() > 0 && es.tableFileOpens() > stores, es.toString());
      assertTrue(es.openTableFiles() <= 4, es.toString());
    } finally {
      for (Store s : open) {
        s.close();
      }
      env.close();
    }
  }

  /** A store without an environment gets one of its own, sized by its options, as before environments existed. */
  @Test
  void aStoreWithoutAnEnvironmentGetsAPrivateOne() {
    try (Store s = Store.open(root.resolve("alone"), Options.defaults().blockCacheBytes(1 << 20))) {
      s.put(key(1), value(0, 1));
      StoreStatistics st = s.statistics();
      StoreStatistics.Environment e = st.environment();
      assertFalse(e.shared());
      assertEquals(1 << 20, st.blockCache().capacityBytes());
      assertEquals(1, e.stores());
      assertEquals(Integer.MAX_VALUE, e.maxOpenTableFiles());
    }
  }

  /** An environment refuses to close under open stores, and a closed one refuses new stores; both say why. */
  @Test
  void closingRules() {
    StoreEnvironment env = StoreEnvironment.builder().name("rules").build();
    Store s = Store.open(root.resolve("r"), Options.defaults().environment(env));
    IllegalStateException busy = assertThrows(IllegalStateException.class, env::close);
    assertTrue(busy.getMessage().contains("1 open store"), busy.getMessage());
    s.close();
    env.close();
    IllegalStateException closed = assertThrows(IllegalStateException.class,
        () -> Store.open(root.resolve("r2"), Options.defaults().environment(env)));
    assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    assertThrows(IllegalArgumentException.class, () -> StoreEnvironment.builder().flushThreads(0));
    assertThrows(IllegalArgumentException.class, () -> StoreEnvironment.builder().maxOpenTableFiles(0));
  }
}
