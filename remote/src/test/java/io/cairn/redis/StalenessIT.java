package io.cairn.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.TestSeeds;
import io.cairn.engine.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Near-cache staleness across processes, after Hazelcast's MapNearCacheStalenessTest: three child JVMs
 * ({@link StalenessChild}) with near caches over one real redis-server race a writer, two readers and a remover (which
 * also recreates what it removed) each on eight keys for {@code -Dcairn.staleness.seconds} (CI: a few seconds; longer runs are the long mode). Afterwards
 * every near-cache read equals Redis, and no process ever returned a value older than one it had returned. The
 * largest observed staleness (how long after a newer value was written a process still returned the older one) is
 * reported, not asserted: it is a timing. Seeds are printed; {@code -Dcairn.seed=N} replays the key choices.
 */
class StalenessIT {
  @Test
  void nearCachesNeverGoBackAndEndEqualToRedis() throws Exception {
    run("heap");
  }

  /** The same with two near copies on the heap and the rest in the near disk tier (near-disk=true). */
  @Test
  void nearDiskCopiesNeverGoBackAndEndEqualToRedis() throws Exception {
    run("near-disk");
  }

  private static void run(String mode) throws Exception {
    long seconds = Long.getLong("cairn.staleness.seconds", 8);
    long seed = TestSeeds.seed("StalenessIT");
    System.out.println("StalenessIT (" + mode + ") seed " + seed + " (replay with -Dcairn.seed=" + seed + "), " + seconds + " s");
    try (RedisProcess redis = RedisProcess.start()) {
      List<Process> children = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        children.add(ChildJvm.builder(StalenessChild.class, List.of(), redis.uri(), Long.toString(seconds),
            Long.toString(seed + 1000L * i), Integer.toString(i), "3", mode).start());
      }
      List<BufferedReader> outs = new ArrayList<>();
      List<List<String>> lines = new ArrayList<>();
      for (Process c : children) {
        outs.add(new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8)));
        lines.add(new ArrayList<>());
      }
      for (int i = 0; i < children.size(); i++) {
        readUntil(outs.get(i), lines.get(i), "DONE");
      }
      for (Process c : children) {
        Writer w = new OutputStreamWriter(c.getOutputStream(), StandardCharsets.UTF_8);
        w.write("CHECK\n");
        w.flush();
      }
      long staleMax = 0;
      long totalReads = 0;
      long totalWrites = 0;
      for (int i = 0; i < children.size(); i++) {
        String result = readUntil(outs.get(i), lines.get(i), "RESULT");
        assertTrue(children.get(i).waitFor(60, TimeUnit.SECONDS), "child " + i + " did not finish");
        System.out.println("child " + i + ": " + result);
        assertEquals("0", field(result, "violations"), "child " + i + " returned an older value after a newer one: "
            + lines.get(i));
        assertEquals("0", field(result, "mismatches"), "child " + i + " kept a near copy Redis does not hold: "
            + lines.get(i));
        staleMax = Math.max(staleMax, Long.parseLong(field(result, "staleMaxMillis")));
        totalReads += Long.parseLong(field(result, "reads"));
        totalWrites += Long.parseLong(field(result, "writes"));
        assertTrue(Long.parseLong(field(result, "writes")) > 0 && Long.parseLong(field(result, "reads")) > 0,
            "child " + i + " did no work: " + result);
      }
      System.out.println("StalenessIT (" + mode + "): " + totalReads + " reads, " + totalWrites + " writes; max observed staleness "
          + staleMax + " ms");
    }
  }

  private static String readUntil(BufferedReader in, List<String> seen, String prefix) throws Exception {
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      seen.add(line);
      if (line.startsWith(prefix)) {
        return line;
      }
    }
    throw new AssertionError("a child ended before " + prefix + ": " + seen);
  }

  private static String field(String result, String name) {
    for (String part : result.split(" ")) {
      if (part.startsWith(name + "=")) {
        return part.substring(name.length() + 1);
      }
    }
    throw new AssertionError("no " + name + " in " + result);
  }
}
