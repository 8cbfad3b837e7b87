package io.cairn.benchmarks.jcache;

import io.cairn.jcache.CairnConfiguration;
import java.util.Arrays;
import javax.cache.Cache;
import javax.cache.CacheManager;

/**
 * The invalidation delay of remote caches: process A writes a key that process B holds as a near copy; the delay is
 * the time from A's put returning until B's get returns the new value (B then has dropped its copy and read Redis).
 * A and B are two Cairn providers in this JVM, each with its own connections, over a redis-server from the PATH.
 * Not JMH: each sample is one write and a loop of reads; {@code samples} of them give the percentiles. The loop
 * yields between reads: a loop that only spun kept a core busy on a 2-core machine, so the invalidation push waited
 * for the scheduler to give the I/O thread a turn, and the p99 measured the scheduler's time slice (about 4 ms)
 * instead of the delay (p99 178-289 us with the yield, same machine, same hour).
 */
public final class InvalidationDelay {
  private InvalidationDelay() {}

  /** p50 and p99 in microseconds, and the largest. */
  public record Result(double p50Micros, double p99Micros, double maxMicros, int samples) {}

  public static Result measure(int samples) throws Exception {
    RemoteBenchmark.Server server = new RemoteBenchmark.Server();
    server.start();
    try {
      CacheManager a = RemoteBenchmark.cairn(server, "delay", true);
      CacheManager b = RemoteBenchmark.cairn(server, "delay", true);
      CairnConfiguration<Integer, Long> c = new CairnConfiguration<Integer, Long>().setTypes(Integer.class, Long.class);
      Cache<Integer, Long> ca = a.createCache("delay", c);
      Cache<Integer, Long> cb = b.createCache("delay", c);
      long[] nanos = new long[samples];
      for (int i = 0; i < samples + 200; i++) {
        int k = i % 64;
        long v = i;
        ca.put(k, v - 1_000_000);
        while (!Long.valueOf(v - 1_000_000).equals(cb.get(k))) {
          Thread.yield();
        }
        cb.get(k);
        ca.put(k, v);
        long t0 = System.nanoTime();
        while (!Long.valueOf(v).equals(cb.get(k))) {
          Thread.yield();
        }
        if (i >= 200) {
          nanos[i - 200] = System.nanoTime() - t0;
        }
      }
      a.close();
      b.close();
      Arrays.sort(nanos);
      return new Result(nanos[samples / 2] / 1e3, nanos[(int) (samples * 0.99)] / 1e3, nanos[samples - 1] / 1e3,
          samples);
    } finally {
      server.stop();
    }
  }

  public static void main(String[] args) throws Exception {
    System.out.println(measure(args.length > 0 ? Integer.parseInt(args[0]) : 2000));
  }
}
