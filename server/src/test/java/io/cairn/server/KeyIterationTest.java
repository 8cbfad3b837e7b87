package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * KEYS, SCAN, DBSIZE, RANDOMKEY and EXISTS agree on a database whose keys are mostly on the disk tier (a 100-entry
 * heap): every key on disk is listed and counted, expired keys on either tier are neither listed nor counted, and a
 * key the disk tier's byte budget dropped is gone from all of them at once.
 */
class KeyIterationTest {
  private static final Random RANDOM = new Random();

  /** A value of {@code n} random letters (incompressible, so it counts against a disk budget). */
  private static String value(int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = (char) ('a' + RANDOM.nextInt(26));
    }
    return new String(c);
  }

  /** SETs {@code prefix<from>} ... with {@code valueBytes}-byte values and the extra arguments, in one pipeline. */
  private static List<String> fill(RespClient c, String prefix, int from, int n, int valueBytes, String... extra)
      throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    List<String> keys = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      String[] args = new String[3 + extra.length];
      args[0] = "SET";
      args[1] = prefix + i;
      args[2] = value(valueBytes);
      System.arraycopy(extra, 0, args, 3, extra.length);
      b.writeBytes(RespClient.encode(args));
      keys.add(prefix + i);
    }
    c.send(b.toByteArray());
    for (int i = 0; i < n; i++) {
      assertEquals("+OK", c.read());
    }
    return keys;
  }

  /** The bulk strings of an array reply ({@code *[$a,$b]}); the keys here have no commas. */
  private static List<String> bulks(String reply) {
    assertTrue(reply.startsWith("*["), reply);
    List<String> out = new ArrayList<>();
    String body = reply.substring(2, reply.length() - 1);
    if (!body.isEmpty()) {
      for (String s : body.split(",")) {
        assertTrue(s.startsWith("$"), reply);
        out.add(s.substring(1));
      }
    }
    return out;
  }

  /** KEYS *, checked to list each key once. */
  private static Set<String> keys(RespClient c) throws Exception {
    List<String> all = bulks(c.call("KEYS", "*"));
    Set<String> set = new HashSet<>(all);
    assertEquals(all.size(), set.size(), "KEYS lists each key once");
    return set;
  }

  /** A whole SCAN iteration (COUNT 97), its keys as a set (SCAN may return a key twice). */
  private static Set<String> scan(RespClient c) throws Exception {
    Set<String> out = new HashSet<>();
    String cursor = "0";
    int calls = 0;
    do {
      String reply = c.call("SCAN", cursor, "COUNT", "97");
      // *[$<cursor>,*[$k1,$k2...]]
      int inner = reply.indexOf(",*[");
      cursor = reply.substring(3, inner);
      out.addAll(bulks(reply.substring(inner + 1, reply.length() - 1)));
      calls++;
    } while (!cursor.equals("0"));
    assertTrue(calls > 1, "a database this size takes more than one SCAN call at COUNT 97");
    return out;
  }

  private static long dbsize(RespClient c) throws Exception {
    return Long.parseLong(c.call("DBSIZE").substring(1));
  }

  /** How many of {@code keys} EXISTS counts, in calls of 500 keys. */
  private static long existing(RespClient c, List<String> keys) throws Exception {
    long n = 0;
    for (int i = 0; i < keys.size(); i += 500) {
      List<String> args = new ArrayList<>(List.of("EXISTS"));
      args.addAll(keys.subList(i, Math.min(keys.size(), i + 500)));
      n += Long.parseLong(c.call(args.toArray(new String[0])).substring(1));
    }
    return n;
  }

  /** RANDOMKEY, {@code times} times: each answer is one of {@code live}. */
  private static void randomKeysAmong(RespClient c, Set<String> live, int times) throws Exception {
    for (int i = 0; i < times; i++) {
      String k = c.call("RANDOMKEY");
      assertTrue(k.startsWith("$") && live.contains(k.substring(1)), "RANDOMKEY answered " + k + ", not a live key");
    }
  }

  private static long stat(RespClient c, String field) throws Exception {
    for (String line : c.call("INFO", "stats").split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1));
      }
    }
    throw new AssertionError("INFO stats has no " + field);
  }

  @Test
  void keysOnTheDiskTierAreListedAndCounted() throws Exception {
    try (TestServer s = TestServer.start("--heap-entries", "100"); RespClient c = s.client()) {
      Set<String> written = new HashSet<>(fill(c, "k:", 0, 3000, 20));
      assertEquals(3000, dbsize(c));
      assertEquals(written, keys(c), "KEYS lists the 2900 keys only on disk too");
      assertEquals(written, scan(c));
      Set<String> ones = new HashSet<>();
      written.stream().filter(k -> k.startsWith("k:1")).forEach(ones::add);
      assertEquals(1111, ones.size());
      assertEquals(ones, new HashSet<>(bulks(c.call("KEYS", "k:1*"))), "a pattern over keys on both tiers");
      randomKeysAmong(c, written, 50);
      assertEquals(":1", c.call("DEL", "k:0"));
      written.remove("k:0");
      assertEquals(2999, dbsize(c), "a key deleted while on disk is no longer counted");
      assertEquals(written, keys(c));
    }
  }

  @Test
  void aScanReturnsEveryKeyPresentThroughoutWhileKeysMoveBetweenTiers() throws Exception {
    try (TestServer s = TestServer.start("--heap-entries", "100"); RespClient c = s.client();
        RespClient w = s.client()) {
      Set<String> stable = new HashSet<>(fill(c, "s:", 0, 2000, 20));
      Set<String> seen = new HashSet<>();
      String cursor = "0";
      int round = 0;
      do {
        String reply = c.call("SCAN", cursor, "COUNT", "50");
        int inner = reply.indexOf(",*[");
        cursor = reply.substring(3, inner);
        seen.addAll(bulks(reply.substring(inner + 1, reply.length() - 1)));
        // Between calls: read 50 stable keys (bringing keys from disk to the heap, pushing others down), overwrite
        // 20 of them, and add 50 new keys.
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++) {
          b.writeBytes(RespClient.encode("GET", "s:" + RANDOM.nextInt(2000)));
        }
        for (int i = 0; i < 20; i++) {
          b.writeBytes(RespClient.encode("SET", "s:" + RANDOM.nextInt(2000), value(20)));
        }
        w.send(b.toByteArray());
        for (int i = 0; i < 70; i++) {
          w.read();
        }
        fill(w, "new:" + round + ":", 0, 50, 20);
        round++;
      } while (!cursor.equals("0"));
      Set<String> missing = new HashSet<>(stable);
      missing.removeAll(seen);
      assertEquals(Set.of(), missing, "keys present throughout the scan, moved between tiers by reads and writes");
      assertEquals(2000 + 50L * round, dbsize(c));
    }
  }

  @Test
  void expiredKeysOnEitherTierAreNeitherListedNorCounted() throws Exception {
    try (TestServer s = TestServer.start("--heap-entries", "100"); RespClient c = s.client()) {
      long expireAt = System.currentTimeMillis() + 1500;
      // The expiring keys go first, so the later ones push most of them to disk before they expire.
      fill(c, "x:", 0, 1000, 20, "PXAT", String.valueOf(expireAt));
      Set<String> eternal = new HashSet<>(fill(c, "e:", 0, 1000, 20));
      fill(c, "y:", 0, 50, 20, "PXAT", String.valueOf(expireAt));
      while (System.currentTimeMillis() <= expireAt + 50) {
        Thread.sleep(50);
      }
      assertEquals(1000, dbsize(c), "DBSIZE counts live keys only");
      assertEquals(eternal, keys(c));
      assertEquals(eternal, scan(c));
      randomKeysAmong(c, eternal, 50);
      List<String> expired = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        expired.add("x:" + i);
      }
      assertEquals(0, existing(c, expired));
      assertEquals(1000, existing(c, new ArrayList<>(eternal)));
    }
  }

  @Test
  void keysLostToTheDiskBudgetAreGoneFromEveryListAndCount() throws Exception {
    try (TestServer s = TestServer.start("--heap-entries", "100", "--disk-bytes", "8mb");
        RespClient c = s.client()) {
      List<String> written = new ArrayList<>();
      // 30 MB of incompressible values into an 8 MB disk budget.
      for (int batch = 0; batch < 15; batch++) {
        written.addAll(fill(c, "b:", batch * 2000, 2000, 1000));
      }
      // Wait for the disk tier's background drops to end: evicted_keys unchanged for a second.
      long last = -1;
      long now = stat(c, "evicted_keys");
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (now != last && System.nanoTime() < deadline) {
        last = now;
        Thread.sleep(1000);
        now = stat(c, "evicted_keys");
      }
      assertTrue(now > 0, "30 MB in an 8 MB budget lose keys");
      long size = dbsize(c);
      Set<String> listed = keys(c);
      assertTrue(size < written.size() && size > 100, "DBSIZE " + size + " of " + written.size());
      assertEquals(size, listed.size(), "KEYS lists what DBSIZE counts");
      assertEquals(listed, scan(c));
      assertEquals(size, existing(c, new ArrayList<>(listed)), "every listed key exists");
      assertEquals(size, existing(c, written), "no key outside the list exists");
      assertEquals(written.size() - size, now, "evicted_keys counts each lost key once");
      randomKeysAmong(c, listed, 50);
    }
  }
}
