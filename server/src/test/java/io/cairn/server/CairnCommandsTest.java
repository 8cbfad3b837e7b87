package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Cairn's own commands (ordered range scans, value-to-key lookups) and what persistent databases keep. */
class CairnCommandsTest {
  @Test
  void rangeReturnsKeysInByteOrder() throws Exception {
    try (TestServer s = TestServer.start("--heap-entries", "100"); RespClient c = s.client()) {
      for (String k : new String[] {"user:3", "user:1", "order:9", "user:2", "user:10", "zzz"}) {
        c.call("SET", k, "v-" + k);
      }
      c.call("SET", "user:gone", "x", "PXAT", "1");
      assertEquals("*[*[$user:1,$v-user:1],*[$user:10,$v-user:10],*[$user:2,$v-user:2]]",
          c.call("CAIRN.RANGE", "user:", "user;", "3"), "in byte order, at most count");
      assertEquals("*[*[$user:3,$v-user:3],*[$zzz,$v-zzz]]", c.call("CAIRN.RANGE", "user:3", "", "10"),
          "an empty end scans to the last key; expired keys are skipped");
      assertEquals("*[]", c.call("CAIRN.RANGE", "b", "a", "10"));
      assertEquals("-ERR value is not an integer or out of range", c.call("CAIRN.RANGE", "a", "b", "x"));
    }
  }

  @Test
  void rangeToTheEndIncludesKeysStartingWith0xff() throws Exception {
    try (TestServer s = TestServer.start("--heap-entries", "100"); RespClient c = s.client()) {
      String top = "\u00ff".repeat(300);
      for (String k : new String[] {top, "\u00ff", "a"}) {
        c.call("SET", k, "v");
      }
      assertEquals("*[*[$\u00ff,$v],*[$" + top + ",$v]]", c.call("CAIRN.RANGE", "\u00ff", "", "10"),
          "keys made of 0xff bytes, longer than any stand-in bound, are before the open end");
      assertEquals("*[*[$a,$v],*[$\u00ff,$v],*[$" + top + ",$v]]", c.call("CAIRN.RANGE", "", "", "10"));
    }
  }

  @Test
  void getkeyOnABidirectionalDatabase() throws Exception {
    try (TestServer s = TestServer.start("--db.1.bidi", "yes"); RespClient c = s.client()) {
      assertTrue(c.call("CAIRN.GETKEY", "v").startsWith("-ERR database 0 is not bidirectional"));
      c.call("SELECT", "1");
      assertEquals("+OK", c.call("SET", "session:abc", "user-42"));
      assertEquals("$session:abc", c.call("CAIRN.GETKEY", "user-42"));
      assertEquals("$nil", c.call("CAIRN.GETKEY", "user-43"));
      assertEquals("-ERR value already held by another key in bidirectional database 1 (CAIRN.GETKEY <value> "
          + "names it)", c.call("SET", "session:def", "user-42"), "values are unique there");
      assertEquals("+OK", c.call("RENAME", "session:abc", "session:xyz"));
      assertEquals("$session:xyz", c.call("CAIRN.GETKEY", "user-42"), "RENAME moves the value with its key");
      c.call("DEL", "session:xyz");
      assertEquals("$nil", c.call("CAIRN.GETKEY", "user-42"));
    }
  }

  @Test
  void persistentDataAndSwappedDatabasesOutliveARestart() throws Exception {
    Path dir = Files.createTempDirectory("cairn-server-restart-");
    try {
      try (TestServer s = TestServer.start(dir, false, "--persistent", "yes"); RespClient c = s.client()) {
        c.call("SET", "in-0", "zero", "EX", "1000");
        c.call("SELECT", "1");
        c.call("SET", "in-1", "one");
        assertEquals("+OK", c.call("SWAPDB", "0", "1"));
      }
      try (TestServer s = TestServer.start(dir, false, "--persistent", "yes"); RespClient c = s.client()) {
        assertEquals("$one", c.call("GET", "in-1"), "database 0 holds what database 1 held before the swap");
        c.call("SELECT", "1");
        assertEquals("$zero", c.call("GET", "in-0"));
        long ttl = Long.parseLong(c.call("TTL", "in-0").substring(1));
        assertTrue(ttl > 990 && ttl <= 1000, "with its TTL: " + ttl);
      }
    } finally {
      TestFiles.deleteTree(dir);
    }
  }

  @Test
  void maxMultibulkLen() throws Exception {
    try (TestServer s = TestServer.start("--max-multibulk-len", "3"); RespClient c = s.client()) {
      assertEquals("+OK", c.call("SET", "a", "b"));
      c.send(RespClient.encode("MGET", "a", "b", "c"));
      assertEquals("-ERR Protocol error: invalid multibulk length", c.read());
      assertTrue(c.closedByServer());
    }
  }
}
