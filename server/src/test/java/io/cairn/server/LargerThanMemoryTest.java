package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** A database whose keys are ten times its heap tier serves every key, from the heap or from the disk tier. */
class LargerThanMemoryTest {
  @Test
  void tenTimesTheHeapTierIsAllServed() throws Exception {
    int heap = 2_000;
    int keys = heap * 10;
    try (TestServer s = TestServer.start("--heap-entries", String.valueOf(heap), "--disk-bytes", "256mb");
        RespClient c = s.client()) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int i = 0; i < keys; i++) {
        b.writeBytes(RespClient.encode("SET", "key:" + i, "value-" + i + "-" + "p".repeat(100), "EX", "100000"));
      }
      c.send(b.toByteArray());
      for (int i = 0; i < keys; i++) {
        assertEquals("+OK", c.read());
      }
      for (int i = 0; i < keys; i++) {
        assertEquals("$value-" + i + "-" + "p".repeat(100), c.call("GET", "key:" + i), "key:" + i);
      }
      assertEquals(":" + keys, c.call("DBSIZE"));
      long ttl = Long.parseLong(c.call("TTL", "key:0").substring(1));
      assertEquals(true, ttl > 99_000 && ttl <= 100_000, "a key read back from disk keeps its TTL: " + ttl);
    }
  }
}
