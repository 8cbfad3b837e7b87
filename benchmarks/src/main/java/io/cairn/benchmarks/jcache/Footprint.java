package io.cairn.benchmarks.jcache;

import java.util.LinkedHashMap;
import java.util.Map;
import javax.cache.Cache;

/**
 * Heap bytes per cached entry for each provider: the heap in use (after repeated GCs) before and after filling a
 * cache with {@code entries} Integer keys and 100-byte values, divided by the count (the 100-byte arrays included).
 */
public final class Footprint {
  private Footprint() {}

  static long usedAfterGc() {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  /** Bytes per entry by system, store-by-reference (values shared are not counted twice) and by value. */
  public static Map<String, Double> measure(int entries, boolean storeByValue) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String system : new String[] {"cairn", "caffeine", "ehcache", "cache2k"}) {
      long before = usedAfterGc();
      Cache<Integer, Payload> c = Providers.cache(system, "footprint", storeByValue, entries * 2L);
      for (int i = 0; i < entries; i++) {
        c.put(i, new Payload(100));
      }
      long after = usedAfterGc();
      out.put(system, (double) (after - before) / entries);
      c.get(0);
      Providers.close(system);
    }
    return out;
  }
}
