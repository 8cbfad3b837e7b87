package io.cairn.benchmarks.jcache;

import io.cairn.jcache.CairnCache;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One busy cache among idle ones of the same manager: {@code idleCaches} caches created with a bare
 * {@code MutableConfiguration} (a 10,000-entry heap tier, the manager's shared engine environment) and filled with
 * 15,000 entries each, so each has spilled to its disk tier; then gets and puts on one more cache of 100,000 entries
 * (90% of them on its disk tier). With 0 and 199 idle caches the busy cache should run alike: the caches share
 * bounded pools of threads, one block cache and a bound on open files, and idle ones cost nothing. Each trial prints
 * the process's live threads, open file descriptors and heap in use after a GC.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ManyCachesBenchmark {
  static final int BUSY_KEYS = 100_000;

  @State(Scope.Benchmark)
  public static class Caches {
    @Param({"0", "199"})
    public int idleCaches;

    CacheManager manager;
    Cache<Long, byte[]> busy;
    final byte[] value = new byte[100];

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
      manager = Caching.getCachingProvider(Providers.CAIRN).getCacheManager(
          URI.create("urn:bench:many-caches:" + idleCaches + ":" + System.nanoTime()),
          ManyCachesBenchmark.class.getClassLoader());
      for (int c = 0; c < idleCaches; c++) {
        Cache<Long, byte[]> idle = manager.createCache("idle-" + c, config());
        for (long i = 0; i < 15_000; i++) {
          idle.put(i, value);
        }
      }
      busy = manager.createCache("busy", config());
      for (long i = 0; i < BUSY_KEYS; i++) {
        busy.put(i, value);
      }
      // Let the flushes and merges the loading started finish: idle caches are idle.
      Thread.sleep(15_000);
      System.gc();
      long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.println();
      int threads = ManagementFactory.getThreadMXBean().getThreadCount();
      System.out.println("idle caches " + idleCaches + ": live threads " + threads + ", open files "
          + openFiles() + ", heap in use " + (heap >> 20) + " MiB");
      printBusyDisk("setup");
    }

    /** What the busy cache's disk tier looks like: its tables, its block-cache hit ratio, the environment's files. */
    void printBusyDisk(String when) {
      var disk = busy.unwrap(CairnCache.class).tiers().disk();
      var engine = disk.engine();
      System.out.println("busy cache at " + when + ": " + engine.tables().files() + " tables, disk reads hit "
          + disk.readHits() + ", block cache hit ratio " + String.format("%.4f", engine.blockCache().hitRatio())
          + ", open table files " + engine.environment().openTableFiles() + " of "
          + engine.environment().maxOpenTableFiles() + " across " + engine.environment().stores() + " stores");
    }

    private static MutableConfiguration<Long, byte[]> config() {
      return new MutableConfiguration<Long, byte[]>().setTypes(Long.class, byte[].class);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      printBusyDisk("teardown");
      manager.close();
    }
  }

  /** Descriptors open in this process (Linux), or -1 where /proc is not there. */
  static long openFiles() {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return -1;
    }
    try (Stream<Path> s = Files.list(fds)) {
      return s.count();
    } catch (IOException e) {
      return -1;
    }
  }

  @Benchmark
  public byte[] get(Caches s) {
    return s.busy.get(ThreadLocalRandom.current().nextLong(BUSY_KEYS));
  }

  @Benchmark
  public void put(Caches s) {
    s.busy.put(ThreadLocalRandom.current().nextLong(BUSY_KEYS), s.value);
  }
}
