package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration file and command-line overrides: values, per-database sections, and errors naming the key. */
class ConfigTest {
  @Test
  void fileThenOverrides() throws Exception {
    Path f = Files.createTempFile("cairn", ".conf");
    try {
      Files.writeString(f, "# a comment\nport 7000\nbind 127.0.0.1 ::1\ndatabases 4\nheap-entries 5000\n"
          + "db.2.persistent yes\ndb.2.durability sync\ndb.3.bidi yes\ndb.3.memtable-bytes 16mb\nrequirepass \"with space\"\n"
          + "client-output-buffer-limit pubsub 1mb 512kb 10\nproto-max-bulk-len 2mb\n");
      ServerConfig c = ServerConfig.load(f, List.of("--port", "7001", "--dir", "data"));
      assertEquals(7001, c.port, "the command line wins");
      assertEquals(List.of("127.0.0.1", "::1"), c.bind);
      assertEquals(4, c.databases);
      assertEquals(Path.of("data"), c.dir);
      assertEquals("with space", c.requirepass);
      assertEquals(2L * 1024 * 1024, c.protoMaxBulkLen);
      assertEquals(new ServerConfig.OutputLimit(1 << 20, 512 << 10, 10), c.pubsubLimit);
      assertEquals(5000, c.settingsOf(0).heapEntries());
      assertTrue(c.settingsOf(2).persistent());
      assertEquals(Durability.SYNC, c.settingsOf(2).durability());
      assertTrue(c.settingsOf(3).bidirectional());
      assertEquals(16L << 20, c.settingsOf(3).memtableBytes());
      assertEquals(4L << 20, c.settingsOf(1).memtableBytes());
      assertEquals(false, c.settingsOf(1).persistent());
    } finally {
      Files.delete(f);
    }
  }

  private static String error(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(null, List.of(args))).getMessage();
  }

  @Test
  void badSettingsAreNamed() {
    assertEquals("command line: bad value for 'port': 'http' (expected a port number (0-65535))",
        error("--port", "http"));
    assertEquals("command line: unknown setting 'prot'", error("--prot", "1"));
    assertEquals("command line: bad value for 'db.1.durability': 'always' (expected none, buffered or sync)",
        error("--db.1.durability", "always"));
    assertTrue(error("--databases", "2", "--db.5.persistent", "yes").startsWith("db.5 is configured but "
        + "'databases' is 2"));
    assertTrue(error("--tls-port", "6380").contains("needs tls-cert-file and tls-key-file"));
    assertTrue(error("--disk-bytes", "lots").startsWith("command line: bad value for 'disk-bytes': 'lots'"));
    assertEquals("command line: bad value for 'db.2.memtable-bytes': '2gb' (expected a size from 65536 to 1073741824"
        + " (k, kb, m, mb, g, gb suffixes allowed))", error("--db.2.memtable-bytes", "2gb"));
  }

  @Test
  void defaultsBindLoopbackOnly() {
    ServerConfig c = ServerConfig.load(null, List.of());
    assertEquals(List.of("127.0.0.1"), c.bind);
    assertEquals(6379, c.port);
    assertEquals(16, c.databases);
  }

  @Test
  void configSetAndGetAtRunTime() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client()) {
      assertEquals("*[$save,$,$appendonly,$no]", c.call("CONFIG", "GET", "save", "appendonly"));
      assertEquals("+OK", c.call("CONFIG", "SET", "timeout", "30"));
      assertEquals("*[$timeout,$30]", c.call("CONFIG", "GET", "timeout"));
      assertEquals("-ERR Unknown option or number of arguments for CONFIG SET - 'nonsense'",
          c.call("CONFIG", "SET", "nonsense", "1"));
      assertTrue(c.call("CONFIG", "SET", "maxclients", "none").startsWith("-ERR CONFIG SET failed (possibly related "
          + "to argument 'maxclients')"));
      assertEquals("+OK", c.call("CONFIG", "SET", "requirepass", "pw"));
      try (RespClient d = s.client()) {
        assertEquals("-NOAUTH Authentication required.", d.call("GET", "x"));
      }
    }
  }

  /** The per-event-loop counters behind INFO stats and commandstats count every connection's commands and reset. */
  @Test
  void statsCountAcrossConnectionsAndReset() throws Exception {
    try (TestServer s = TestServer.start("--io-threads", "2"); RespClient a = s.client(); RespClient b = s.client()) {
      a.call("SET", "k", "v");
      assertEquals("+OK", a.call("CONFIG", "RESETSTAT"));
      for (int i = 0; i < 5; i++) {
        a.call("GET", "k");
        b.call("GET", "k");
        b.call("GET", "missing");
      }
      String stats = a.call("INFO", "stats");
      assertTrue(stats.contains("keyspace_hits:10\r\n"), stats);
      assertTrue(stats.contains("keyspace_misses:5\r\n"), stats);
      assertTrue(stats.contains("total_commands_processed:16\r\n"), "15 GETs and the INFO itself: " + stats);
      assertTrue(a.call("INFO", "commandstats").contains("cmdstat_get:calls=15,"));
      a.call("CONFIG", "RESETSTAT");
      assertTrue(b.call("INFO", "stats").contains("keyspace_hits:0\r\n"));
    }
  }
}
