package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.CorruptionException;
import io.cairn.engine.Options;
import io.cairn.engine.Store;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building and closing caches: a failed build leaves nothing open; engine failures reach callers as JCache's. */
class CacheLifecycleTest {
  @TempDir Path dir;
  private CacheManager manager;

  @BeforeEach
  void open() {
    manager = TestManagers.open("lifecycle", dir);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  /** A listener factory that fails, as a misconfigured one would. */
  static final class FailingFactory implements Factory<CacheEntryCreatedListener<String, String>> {
    private static final long serialVersionUID = 1L;

    @Override
    public CacheEntryCreatedListener<String, String> create() {
      throw new IllegalStateException("listener factory failed on purpose");
    }
  }

  @Test
  void aFailingListenerFactoryLeavesNoOpenStoreAndNoHeldLock() {
    Path storeDir = dir.resolve("orders");
    CairnConfiguration<String, String> bad = new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class).setPersistent(true).setDirectory(storeDir)
        .addCacheEntryListenerConfiguration(new MutableCacheEntryListenerConfiguration<>(new FailingFactory(), null,
            false, true));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> manager.createCache("orders", bad));
    assertTrue(e.getMessage().contains("on purpose"), e.getMessage());
    assertNull(manager.getCache("orders"), "the failed cache is not handed out");
    // The disk tier was opened (persistent) before the listeners; its lock must be free again.
    try (Store s = Store.open(storeDir, Options.defaults().compactionStyle(io.cairn.engine.CompactionStyle.FIFO))) {
      assertTrue(s.statistics().tables().files() >= 0 && Files.isDirectory(storeDir), "the store opened");
    }
    Cache<String, String> good = manager.createCache("orders", new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class).setPersistent(true).setDirectory(storeDir));
    good.put("a", "1");
    assertEquals("1", good.get("a"));
  }

  @Test
  void corruptionFoundByAReadIsACacheExceptionKeepingItsCause() throws IOException {
    Path storeDir = dir.resolve("corrupt");
    CairnConfiguration<String, String> conf = new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class).setPersistent(true).setDirectory(storeDir).setHeapEntries(1)
        .setFifoMergeWidth(0);
    Cache<String, String> c = manager.createCache("corrupt", conf);
    String value = "v".repeat(200);
    for (int i = 0; i < 500; i++) {
      c.put("key-" + i, value);
    }
    c.unwrap(CairnCache.class).flush();
    c.close();
    List<Path> tables;
    try (Stream<Path> s = Files.list(storeDir)) {
      tables = s.filter(p -> p.getFileName().toString().endsWith(".sst")).toList();
    }
    assertTrue(!tables.isEmpty(), "a flush wrote a table");
    for (Path t : tables) {
      try (RandomAccessFile f = new RandomAccessFile(t.toFile(), "rw")) {
        // The first data block starts the file: flip a byte inside it.
        f.seek(100);
        int b = f.read();
        f.seek(100);
        f.write(b ^ 0x5a);
      }
    }
    Cache<String, String> again = manager.createCache("corrupt", conf);
    CacheException failure = null;
    for (int i = 0; i < 500 && failure == null; i++) {
      try {
        again.get("key-" + i);
      } catch (CacheException e) {
        failure = e;
      }
    }
    assertTrue(failure != null, "a read of the damaged block fails");
    assertInstanceOf(CorruptionException.class, failure.getCause(), "the engine's exception is the cause");
    assertTrue(failure.getMessage().contains("corrupt"), "names the cache: " + failure.getMessage());
    assertTrue(failure.getMessage().contains(failure.getCause().getMessage()), failure.getMessage());
  }

  /**
   * The first spill of a cache opens its disk tier while it holds the key's lock; destroyCache holds the manager's
   * monitor while it takes every key lock of its cache. So the spill must not need the monitor: with the monitor held
   * elsewhere, the first spill completes (it used to wait for the monitor, a deadlock with a concurrent destroyCache).
   */
  @Test
  void theFirstSpillDoesNotWaitForTheManagersMonitor() throws Exception {
    Cache<String, String> c = manager.createCache("spill", new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class).setHeapEntries(1));
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    Thread putter = new Thread(() -> {
      c.put("a", "1");
      c.put("b", "2");
      c.put("c", "3");
      done.countDown();
    }, "putter");
    boolean spilled;
    synchronized (manager) {
      putter.start();
      spilled = done.await(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    putter.join();
    assertTrue(spilled, "the first spill waited for the manager's monitor");
    assertTrue(c.unwrap(CairnCache.class).tiers().disk().open(), "the puts spilled, opening the disk tier");
    assertEquals("1", c.get("a"));
  }
}

