package io.cairn.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing child JVM with SIGKILL at random moments and checks, after each kill, that every acknowledged write
 * is there with its value, that the one write in flight is there whole or not at all, and that nothing else changed.
 * The child writes with {@link Durability#SYNC} (every fourth cycle {@link Durability#BUFFERED}, which a killed
 * process must not lose either), with a small memtable so kills land during flushes and compactions too.
 * Cycles: {@code -Dcairn.crash.cycles} (CI: 20; the long mode: 1000 or more).
 */
class CrashIT {
  @TempDir Path dir;

  /** One deterministic operation: puts and deletes applied as one batch. Null value = delete. */
  record Op(List<byte[]> keys, List<byte[]> values) {
    void applyTo(Map<String, byte[]> state) {
      for (int i = 0; i < keys.size(); i++) {
        String k = new String(keys.get(i), StandardCharsets.UTF_8);
        if (values.get(i) == null) {
          state.remove(k);
        } else {
          state.put(k, values.get(i));
        }
      }
    }

    WriteBatch batch() {
      WriteBatch b = new WriteBatch();
      for (int i = 0; i < keys.size(); i++) {
        if (values.get(i) == null) {
          b.delete(keys.get(i));
        } else {
          b.put(keys.get(i), values.get(i));
        }
      }
      return b;
    }
  }

  static Op op(Random r, long cycle, int index) {
    int n = r.nextInt(10) < 8 ? 1 : 2 + r.nextInt(4);
    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(String.format("key-%05d", r.nextInt(3000)).getBytes(StandardCharsets.UTF_8));
      if (r.nextInt(100) < 15) {
        values.add(null);
      } else {
        byte[] v = new byte[20 + r.nextInt(300)];
        r.nextBytes(v);
        byte[] tag = (cycle + ":" + index + ":" + i).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(tag, 0, v, 0, Math.min(tag.length, v.length));
        values.add(v);
      }
    }
    return new Op(keys, values);
  }

  static Options options(Durability d) {
    return Options.defaults().durability(d).memtableBytes(32 * 1024).targetFileBytes(64 * 1024).blockBytes(1024)
        .levelBaseBytes(128 * 1024).level0CompactionTrigger(2);
  }

  /** The child: opens the store, says READY, then writes op after op, printing each index once it is acknowledged. */
  public static final class Child {
    public static void main(String[] args) {
      Path dir = Path.of(args[0]);
      long seed = Long.parseLong(args[1]);
      long cycle = Long.parseLong(args[2]);
      Durability d = Durability.valueOf(args[3]);
      PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
      Random r = new Random(seed);
      try (Store s = Store.open(dir, options(d))) {
        out.println("READY");
        for (int i = 0; ; i++) {
          s.write(op(r, cycle, i).batch());
          out.println("ACK " + i);
        }
      }
    }
  }

  @Test
  void acknowledgedWritesSurviveSigkill() throws Exception {
    int cycles = Integer.getInteger("cairn.crash.cycles", 20);
    long seed = TestSeeds.seed("CrashIT");
    Random master = new Random(seed);
    Map<String, byte[]> model = new HashMap<>();
    long totalAcks = 0;
    int inFlightApplied = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      long childSeed = master.nextLong();
      Durability d = cycle % 4 == 3 ? Durability.BUFFERED : Durability.SYNC;
      Process p = ChildJvm.builder(Child.class, List.of("-XX:TieredStopAtLevel=1"), dir.toString(),
          Long.toString(childSeed), Integer.toString(cycle), d.name()).start();
      AtomicInteger lastAck = new AtomicInteger(-1);
      StringBuilder other = new StringBuilder();
      Object ready = new Object();
      boolean[] isReady = {false};
      java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            if (line.startsWith("ACK ")) {
              lastAck.set(Integer.parseInt(line.substring(4)));
            } else if (line.equals("READY")) {
              synchronized (ready) {
                isReady[0] = true;
                ready.notifyAll();
              }
            } else {
              other.append(line).append('\n');
            }
          }
        } catch (Exception e) {
          if (!killed.get()) {
            other.append(e).append('\n');
          }
        }
      });
      reader.start();
      synchronized (ready) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!isReady[0] && p.isAlive() && System.currentTimeMillis() < deadline) {
          ready.wait(100);
        }
      }
      if (!isReady[0]) {
        p.destroyForcibly();
        reader.join();
        fail("seed " + seed + " cycle " + cycle + ": child did not open the store:\n" + other);
      }
      Thread.sleep(50 + master.nextInt(900));
      killed.set(true);
      ChildJvm.kill9(p);
      reader.join();
      assertTrue(other.length() == 0 || !other.toString().contains("Exception"),
          "seed " + seed + " cycle " + cycle + ": child failed before the kill:\n" + other);

      int acked = lastAck.get();
      totalAcks += acked + 1;
      Random replay = new Random(childSeed);
      for (int i = 0; i <= acked; i++) {
        op(replay, cycle, i).applyTo(model);
      }
      Map<String, byte[]> withInFlight = new HashMap<>(model);
      op(replay, cycle, acked + 1).applyTo(withInFlight);

      Map<String, byte[]> actual = new TreeMap<>();
      try (Store s = Store.open(dir, options(Durability.SYNC))) {
        s.scan(null, null).forEachRemaining(e -> actual.put(new String(e.key(), StandardCharsets.UTF_8), e.value()));
        for (String k : model.keySet()) {
          byte[] v = s.get(k.getBytes(StandardCharsets.UTF_8));
          byte[] alt = withInFlight.get(k);
          if (!Arrays.equals(v, model.get(k)) && !Arrays.equals(v, alt)) {
            fail("seed " + seed + " cycle " + cycle + ": acknowledged key " + k + " lost or wrong after kill: found "
                + tag(v) + ", acknowledged " + tag(model.get(k)) + ", in flight " + tag(alt) + "; last ack " + acked);
          }
        }
      }
      if (same(actual, model)) {
        continue;
      }
      if (same(actual, withInFlight)) {
        model = withInFlight;
        inFlightApplied++;
        continue;
      }
      fail("seed " + seed + " cycle " + cycle + " (" + d + "): after the kill the store holds neither the state after"
          + " acknowledged op " + acked + " nor that after op " + (acked + 1) + "; store has " + actual.size()
          + " keys, model " + model.size());
    }
    System.out.printf("CrashIT: %d cycles, %d acknowledged ops, in-flight op found applied in %d cycles%n", cycles,
        totalAcks, inFlightApplied);
    assertTrue(totalAcks > cycles, "children acknowledged too few writes to test anything: " + totalAcks);
  }

  private static String tag(byte[] v) {
    if (v == null) {
      return "nothing";
    }
    String t = new String(v, 0, Math.min(12, v.length), StandardCharsets.ISO_8859_1);
    int end = 0;
    while (end < t.length() && (Character.isDigit(t.charAt(end)) || t.charAt(end) == ':')) {
      end++;
    }
    return "value " + t.substring(0, end);
  }

  private static boolean same(Map<String, byte[]> a, Map<String, byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : a.entrySet()) {
      if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
