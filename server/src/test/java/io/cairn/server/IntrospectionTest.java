package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** OBJECT, MEMORY and WAIT (DifferentialIT draws OBJECT ENCODING, REFCOUNT and WAIT against a real redis-server). */
class IntrospectionTest {
  @Test
  void objectReportsTheEncodingRedisWouldUse() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client()) {
      c.call("SET", "i", "12345");
      c.call("SET", "neg", "-9223372036854775808");
      c.call("SET", "zeros", "007");
      c.call("SET", "short", "x".repeat(44));
      c.call("SET", "long", "x".repeat(45));
      assertEquals("$int", c.call("OBJECT", "ENCODING", "i"));
      assertEquals("$int", c.call("OBJECT", "encoding", "neg"));
      assertEquals("$embstr", c.call("OBJECT", "ENCODING", "zeros"), "a leading zero is not an integer's form");
      assertEquals("$embstr", c.call("OBJECT", "ENCODING", "short"));
      assertEquals("$raw", c.call("OBJECT", "ENCODING", "long"));
      assertEquals("$nil", c.call("OBJECT", "ENCODING", "missing"));
      c.call("SET", "small", "42");
      assertEquals(":2147483647", c.call("OBJECT", "REFCOUNT", "small"), "Redis shares the integers 0-9999");
      assertEquals(":1", c.call("OBJECT", "REFCOUNT", "i"));
      assertEquals(":1", c.call("OBJECT", "REFCOUNT", "long"));
      assertEquals("$nil", c.call("OBJECT", "REFCOUNT", "missing"));
      assertTrue(c.call("OBJECT", "IDLETIME", "i").startsWith("-ERR idle time not tracked"));
      assertTrue(c.call("OBJECT", "FREQ", "i").startsWith("-ERR access frequency not tracked"));
      assertEquals("$nil", c.call("OBJECT", "FREQ", "missing"));
      assertEquals("-ERR wrong number of arguments for 'object' command", c.call("OBJECT"));
      assertEquals("-ERR wrong number of arguments for 'object|encoding' command", c.call("OBJECT", "ENCODING"));
      assertEquals("-ERR unknown subcommand 'BOGUS'. Try OBJECT HELP.", c.call("OBJECT", "BOGUS", "i"));
      assertTrue(c.call("OBJECT", "HELP").contains("ENCODING <key>"));
    }
  }

  @Test
  void objectEncodingCountsAsAReadForTracking() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client(); RespClient w = s.client()) {
      c.call("HELLO", "3");
      c.call("SET", "k", "v");
      assertEquals("+OK", c.call("CLIENT", "TRACKING", "ON"));
      assertEquals("$embstr", c.call("OBJECT", "ENCODING", "k"));
      w.call("SET", "k", "w");
      assertEquals(">[$invalidate,*[$k]]", c.read(), "the key OBJECT read is tracked");
    }
  }

  @Test
  void memoryUsageIsTheHeapAnEntryTakes() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client()) {
      c.call("SET", "k", "x".repeat(1000));
      long usage = Long.parseLong(c.call("MEMORY", "USAGE", "k").substring(1));
      assertEquals(IntrospectionCommands.entryBytes(1, 1000), usage);
      assertTrue(usage > 1000 && usage < 1200, "value, key and bookkeeping: " + usage);
      assertEquals(":" + usage, c.call("MEMORY", "USAGE", "k", "SAMPLES", "5"));
      assertEquals(":" + usage, c.call("memory", "usage", "k", "samples", "0"));
      assertEquals("$nil", c.call("MEMORY", "USAGE", "missing"));
      assertEquals("-ERR syntax error", c.call("MEMORY", "USAGE", "k", "BOGUS"));
      assertEquals("-ERR syntax error", c.call("MEMORY", "USAGE", "k", "SAMPLES"));
      assertEquals("-ERR syntax error", c.call("MEMORY", "USAGE", "k", "SAMPLES", "-1"), "as Redis 7.0 answers");
      assertEquals("-ERR value is not an integer or out of range", c.call("MEMORY", "USAGE", "k", "SAMPLES", "x"));
      assertEquals("-ERR wrong number of arguments for 'memory|usage' command", c.call("MEMORY", "USAGE"));
      String stats = c.call("MEMORY", "STATS");
      assertTrue(stats.contains("$keys.count,:1"), stats);
      assertTrue(stats.contains("$total.allocated,:"), stats);
      assertEquals("+OK", c.call("MEMORY", "PURGE"));
      assertTrue(c.call("MEMORY", "DOCTOR").contains("JVM heap"));
      assertTrue(c.call("MEMORY", "HELP").contains("USAGE <key>"));
    }
  }

  @Test
  void waitAnswersNoReplicasAtOnce() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client()) {
      assertEquals(":0", c.call("WAIT", "0", "0"));
      long start = System.nanoTime();
      assertEquals(":0", c.call("WAIT", "1", "0"), "no replica will ever acknowledge: 0, without blocking forever");
      assertTrue(System.nanoTime() - start < 5_000_000_000L);
      assertEquals("-ERR value is not an integer or out of range", c.call("WAIT", "x", "0"));
      assertEquals("-ERR timeout is not an integer or out of range", c.call("WAIT", "1", "x"));
      assertEquals("-ERR timeout is negative", c.call("WAIT", "1", "-1"));
      assertEquals("-ERR wrong number of arguments for 'wait' command", c.call("WAIT", "1"));
    }
  }
}
