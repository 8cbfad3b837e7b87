package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Keys a database deletes without a command, as clients see them: a key lost to the disk tier's byte budget or to a
 * heap-only database's eviction is invalidated for tracking clients, fails a WATCHing transaction and counts in INFO's
 * evicted_keys, as Redis's eviction does; expired keys count in expired_keys from startup, with nobody tracking.
 */
class ImplicitDeletionsTest {
  /**
   * A 1000-byte value of its own for each key, of random letters: the disk tier compresses its blocks, so values
   * that repeat would hardly count against its byte budget.
   */
  private static String value(String key) {
    java.util.Random r = new java.util.Random(key.hashCode());
    char[] c = new char[1000];
    for (int i = 0; i < c.length; i++) {
      c[i] = (char) ('A' + r.nextInt(58));
    }
    return new String(c);
  }

  /**
   * Writes {@code n} keys {@code prefix<from>...} with their 1000-byte values in one pipeline, each read once right after
   * if {@code read}: the heap tier (S3-FIFO) moves a key read once to its main queue, so such keys push older keys
   * out of the heap even when those were read once too.
   */
  private static void fill(RespClient c, String prefix, int from, int n, boolean read) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = from; i < from + n; i++) {
      b.writeBytes(RespClient.encode("SET", prefix + i, value(prefix + i)));
      if (read) {
        b.writeBytes(RespClient.encode("GET", prefix + i));
      }
    }
    c.send(b.toByteArray());
    for (int i = 0; i < n; i++) {
      assertEquals("+OK", c.read());
      if (read) {
        c.read();
      }
    }
  }

  /**
   * The keys under {@code prefix} (up to 1000), by CAIRN.RANGE: a scan, which marks no key as read on disk (EXISTS,
   * GET or DBSIZE would, and the disk tier keeps what was read when its budget drops a table).
   */
  private static Set<String> keysUnder(RespClient c, String prefix) throws Exception {
    Set<String> out = new HashSet<>();
    String reply = c.call("CAIRN.RANGE", prefix, prefix.substring(0, prefix.length() - 1) + ";", "1000");
    for (String pair : reply.split("\\*\\[\\$")) {
      if (pair.startsWith(prefix)) {
        out.add(pair.substring(0, pair.indexOf(',')));
      }
    }
    return out;
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
  void aTrackedKeyLostToTheDiskBudgetIsInvalidated() throws Exception {
    int tracked = 500;
    try (TestServer s = TestServer.start("--heap-entries", "100", "--disk-bytes", "8mb");
        RespClient r = s.client(); RespClient w = s.client()) {
      fill(w, "t:", 0, tracked, false);
      r.call("HELLO", "3");
      assertEquals("+OK", r.call("CLIENT", "TRACKING", "ON"));
      for (int i = 0; i < tracked; i++) {
        assertEquals("$" + value("t:" + i), r.call("GET", "t:" + i));
      }
      assertEquals(tracked, keysUnder(w, "t:").size());
      // Write 50 MB into the 8 MB budget, then wait for the disk tier's background drops to reach the tracked keys.
      for (int batch = 0; batch < 25; batch++) {
        fill(w, "filler:", batch * 2000, 2000, false);
      }
      Set<String> gone = new HashSet<>();
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (gone.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
        for (int i = 0; i < tracked; i++) {
          gone.add("t:" + i);
        }
        gone.removeAll(keysUnder(w, "t:"));
      }
      assertFalse(gone.isEmpty(), "50 MB written into an 8 MB disk budget drop the oldest keys (evicted_keys: "
          + stat(w, "evicted_keys") + ")");
      Set<String> invalidated = new HashSet<>();
      while (!invalidated.containsAll(gone)) {
        String push = r.read();
        assertTrue(push.startsWith(">[$invalidate,*[$"), push);
        invalidated.add(push.substring(">[$invalidate,*[$".length(), push.length() - 2));
      }
      assertTrue(stat(w, "evicted_keys") >= gone.size(), "evicted_keys counts the lost keys");
    }
  }

  @Test
  void aHeapOnlyEvictionInvalidatesAndFailsAWatchingTransaction() throws Exception {
    try (TestServer s = TestServer.start("--heap-entries", "100", "--disk-bytes", "0");
        RespClient r = s.client(); RespClient w = s.client(); RespClient tx = s.client()) {
      w.call("SET", "watched", "1");
      w.call("SET", "tracked", "1");
      assertEquals("+OK", tx.call("WATCH", "watched"));
      r.call("HELLO", "3");
      r.call("CLIENT", "TRACKING", "ON");
      assertEquals("$1", r.call("GET", "tracked"));
      fill(w, "other:", 0, 2000, true);
      assertEquals(":0", w.call("EXISTS", "watched", "tracked"), "a 100-entry heap with no disk tier evicted both");
      assertEquals(">[$invalidate,*[$tracked]]", r.read());
      assertEquals("+OK", tx.call("MULTI"));
      assertEquals("+QUEUED", tx.call("SET", "watched", "2"));
      assertEquals("*nil", tx.call("EXEC"), "an evicted watched key counts as modified, as in Redis");
      assertTrue(stat(w, "evicted_keys") >= 1900, "evicted_keys counts every key the heap let go");
    }
  }

  @Test
  void expiredKeysAreCountedFromStartupWithNobodyTracking() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client()) {
      for (int i = 0; i < 5; i++) {
        c.call("SET", "e:" + i, "v", "PX", "50");
      }
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (stat(c, "expired_keys") < 5 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(5, stat(c, "expired_keys"), "the expiry timer's EXPIRED events are counted");
    }
  }
}
