package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The bitmap commands where Cairn follows Redis 7.4 and the differential test (against the Redis on the PATH, often
 * 7.0) cannot compare: argument checks before the key is looked up, SETBIT signalling only a change, and large
 * bitmaps. Everyday replies are compared with a real Redis by {@link DifferentialIT}.
 */
class BitCommandsTest {
  @Test
  void argumentsAreCheckedBeforeTheKeyIsLookedUp() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client()) {
      assertEquals("-ERR syntax error", c.call("BITCOUNT", "missing", "0"));
      assertEquals("-ERR value is not an integer or out of range", c.call("BITCOUNT", "missing", "a", "1"));
      assertEquals("-ERR syntax error", c.call("BITCOUNT", "missing", "0", "1", "bits"));
      assertEquals(":0", c.call("BITCOUNT", "missing", "0", "1", "BIT"));
      assertEquals("-ERR syntax error", c.call("BITPOS", "missing", "1", "0", "1", "bits"));
      assertEquals("-ERR The bit argument must be 1 or 0.", c.call("BITPOS", "missing", "2"));
      assertEquals(":-1", c.call("BITPOS", "missing", "1", "0", "5"));
      assertEquals(":0", c.call("BITPOS", "missing", "0", "0", "5"));
      assertEquals("-ERR bit offset is not an integer or out of range", c.call("SETBIT", "k", "-1", "1"));
      assertEquals("-ERR bit is not an integer or out of range", c.call("SETBIT", "k", "0", "01"));
      assertEquals("-ERR BITOP NOT must be called with a single source key.", c.call("BITOP", "NOT", "d", "a",
          "b"));
      assertEquals("-ERR wrong number of arguments for 'bitop' command", c.call("BITOP", "AND", "d"));
      assertEquals("$nil", c.call("GET", "k"), "nothing was written by a refused SETBIT");
    }
  }

  @Test
  void bitOffsetsStopAtProtoMaxBulkLen() throws Exception {
    try (TestServer s = TestServer.start("--proto-max-bulk-len", "1024"); RespClient c = s.client()) {
      assertEquals(":0", c.call("SETBIT", "k", String.valueOf(1024 * 8 - 1), "1"));
      assertEquals(":1024", c.call("STRLEN", "k"));
      assertEquals("-ERR bit offset is not an integer or out of range", c.call("SETBIT", "k",
          String.valueOf(1024 * 8), "1"));
      assertEquals("-ERR bit offset is not an integer or out of range", c.call("GETBIT", "k",
          String.valueOf(1024 * 8)));
    }
  }

  @Test
  void setbitSignalsTheKeyOnlyWhenItChanges() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client(); RespClient other = s.client()) {
      c.call("SETBIT", "k", "3", "1");
      c.call("WATCH", "k");
      assertEquals(":1", other.call("SETBIT", "k", "3", "1"), "already set: no change");
      assertEquals(":0", other.call("SETBIT", "k", "5", "0"), "already clear: no change");
      c.call("MULTI");
      c.call("GET", "k");
      assertEquals("*[$\u0010]", c.call("EXEC"), "the watched key did not change");
      c.call("WATCH", "k");
      assertEquals(":0", other.call("SETBIT", "k", "4", "1"));
      c.call("MULTI");
      c.call("GET", "k");
      assertEquals("*nil", c.call("EXEC"), "a flipped bit is a change");
      c.call("WATCH", "k");
      assertEquals(":0", other.call("SETBIT", "k", "20", "0"), "growing the string is a change");
      c.call("MULTI");
      c.call("GET", "k");
      assertEquals("*nil", c.call("EXEC"));
    }
  }

  @Test
  void ttlsAreKeptBySetbitAndDroppedByBitop() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client()) {
      c.call("SET", "k", "a", "EX", "1000");
      c.call("SETBIT", "k", "100", "1");
      assertTrue(Long.parseLong(c.call("TTL", "k").substring(1)) > 990, "SETBIT keeps the key's TTL");
      c.call("SET", "d", "x", "EX", "1000");
      assertEquals(":13", c.call("BITOP", "OR", "d", "k"));
      assertEquals(":-1", c.call("TTL", "d"), "BITOP's result replaces the key, without a TTL");
      assertEquals(":0", c.call("BITOP", "AND", "d", "nothing", "none"));
      assertEquals(":0", c.call("EXISTS", "d"), "an empty result deletes the destination");
    }
  }

  @Test
  void largeBitmaps() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client()) {
      long far = 8L * 1_000_000 + 5;
      assertEquals(":0", c.call("SETBIT", "big", String.valueOf(far), "1"));
      assertEquals(":1000001", c.call("STRLEN", "big"));
      assertEquals(":" + far, c.call("BITPOS", "big", "1"), "found past a million zero bytes");
      assertEquals(":0", c.call("BITPOS", "big", "0"));
      assertEquals(":1", c.call("BITCOUNT", "big"));
      assertEquals(":1", c.call("BITCOUNT", "big", String.valueOf(far), String.valueOf(far), "BIT"));
      assertEquals(":0", c.call("BITCOUNT", "big", "0", String.valueOf(far - 1), "BIT"));
      assertEquals(":1000001", c.call("BITOP", "NOT", "inv", "big"));
      assertEquals(":" + (8L * 1_000_001 - 1), c.call("BITCOUNT", "inv"));
      assertEquals(":" + far, c.call("BITPOS", "inv", "0"), "the one clear bit of the inverse");
      assertEquals(":1", c.call("GETBIT", "big", String.valueOf(far)));
      assertEquals(":0", c.call("GETBIT", "big", String.valueOf(far + 1)));
    }
  }
}
