package io.cairn.benchmarks.jcache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;

/**
 * Heap bytes per cached entry for each provider: the heap in use (after repeated GCs) before and after filling a
 * cache with {@code entries} Integer keys and 100-byte values, divided by the count (the 100-byte arrays included).
 * Each provider is measured in a JVM of its own: measured one after the other in one JVM, memory a closed provider
 * let go of late was counted against the next one (cache2k by value once read 23 bytes per entry, less than its
 * 100-byte values).
 */
public final class Footprint {
  private static final String PREFIX = "footprint-bytes-per-entry=";

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
  public static Map<String, Double> measure(int entries, boolean storeByValue) throws IOException, InterruptedException {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String system : new String[] {"cairn", "caffeine", "ehcache", "cache2k"}) {
      out.put(system, inChild(system, entries, storeByValue));
    }
    return out;
  }

  /** Runs {@link #main} for one system in a new JVM on this classpath and reads the figure it prints. */
  private static double inChild(String system, int entries, boolean storeByValue)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx2g");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Footprint.class.getName());
    cmd.add(system);
    cmd.add(Integer.toString(entries));
    cmd.add(Boolean.toString(storeByValue));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    Double figure = null;
    StringBuilder output = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith(PREFIX)) {
          figure = Double.parseDouble(line.substring(PREFIX.length()));
        } else {
          output.append(line).append('\n');
        }
      }
    }
    int rc = p.waitFor();
    if (rc != 0 || figure == null) {
      throw new IllegalStateException("footprint of " + system + " (by value " + storeByValue + ") failed, exit "
          + rc + ":\n" + output);
    }
    return figure;
  }

  /** One measurement: {@code system entries storeByValue}; prints the bytes per entry. */
  public static void main(String[] args) {
    String system = args[0];
    int entries = Integer.parseInt(args[1]);
    boolean storeByValue = Boolean.parseBoolean(args[2]);
    long before = usedAfterGc();
    Cache<Integer, Payload> c = Providers.cache(system, "footprint", storeByValue, entries * 2L);
    for (int i = 0; i < entries; i++) {
      c.put(i, new Payload(100));
    }
    long after = usedAfterGc();
    if (c.get(entries - 1) == null) {
      throw new IllegalStateException(system + " lost an entry of " + entries + " in a cache of twice that capacity");
    }
    System.out.println(PREFIX + (double) (after - before) / entries);
    Providers.close(system);
    System.exit(0);
  }
}
