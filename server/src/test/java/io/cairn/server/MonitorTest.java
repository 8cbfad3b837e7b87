package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MONITOR: what it shows, in Redis's line format, and what it leaves out. */
class MonitorTest {
  /** The next monitor line without its timestamp and address: {@code [db] "arg" ...}. */
  private static String line(RespClient monitor) throws Exception {
    String l = monitor.read();
    assertTrue(l.matches("\\+\\d+\\.\\d{6} \\[\\d+ 127\\.0\\.0\\.1:\\d+\\] .*"), l);
    return "[" + l.substring(l.indexOf('[') + 1, l.indexOf(' ', l.indexOf('['))) + "] "
        + l.substring(l.indexOf("] ") + 2);
  }

  @Test
  void showsCommandsOnceTheyRanQuotedAndRedacted() throws Exception {
    try (TestServer s = TestServer.start("--requirepass", "pw"); RespClient m = s.client();
        RespClient c = s.client()) {
      assertEquals("+OK", m.call("AUTH", "pw"));
      assertEquals("+OK", m.call("MONITOR"));
      assertTrue(m.call("CLIENT", "INFO").contains("flags=O"), "CLIENT INFO shows the monitor flag");
      c.call("AUTH", "wrong");
      c.call("AUTH", "pw");
      c.call("SET", "k", "a\"b\\c\n\u0001\u00ff");
      c.call("NOSUCH", "x");
      c.call("GET");
      c.call("CONFIG", "GET", "maxmemory");
      c.call("SELECT", "3");
      c.call("GET", "k");
      c.call("SELECT", "0");
      c.call("MULTI");
      c.call("INCR", "n");
      c.call("EXEC");
      c.call("HELLO", "3", "AUTH", "default", "pw", "SETNAME", "app");
      assertEquals("[0] \"CLIENT\" \"INFO\"", line(m), "the monitor's own commands are shown too");
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 9; i++) {
        got.add(line(m));
      }
      assertEquals(List.of(
          "[0] \"AUTH\" \"(redacted)\"",
          "[0] \"AUTH\" \"(redacted)\"",
          "[0] \"SET\" \"k\" \"a\\\"b\\\\c\\n\\x01\\xff\"",
          "[3] \"SELECT\" \"3\"",
          "[3] \"GET\" \"k\"",
          "[0] \"SELECT\" \"0\"",
          "[0] \"MULTI\"",
          "[0] \"INCR\" \"n\"",
          "[0] \"EXEC\""), got, "unknown commands, wrong arity and admin commands (CONFIG) are not shown");
      assertEquals("[0] \"HELLO\" \"3\" \"AUTH\" \"(redacted)\" \"(redacted)\" \"SETNAME\" \"app\"", line(m));
      // The monitor's own commands show after their replies; RESET ends monitoring.
      assertEquals("+PONG", m.call("PING"));
      assertEquals("[0] \"PING\"", line(m));
      assertEquals("+RESET", m.call("RESET"));
      c.call("SET", "after", "1");
      assertEquals("-NOAUTH Authentication required.", m.call("PING"),
          "after RESET (which also signs the connection out) nothing more is fed: the PING's reply comes next");
    }
  }

  @Test
  void refusedInsideATransactionAndSilentWhenRepeated() throws Exception {
    try (TestServer s = TestServer.start(); RespClient m = s.client()) {
      m.call("MULTI");
      assertEquals("+QUEUED", m.call("MONITOR"));
      assertEquals("*[-ERR MONITOR isn't allowed for DENY BLOCKING client]", m.call("EXEC"));
      assertEquals("+OK", m.call("MONITOR"));
      m.send(RespClient.encode("MONITOR"));
      assertEquals("+PONG", m.call("PING"), "a second MONITOR gets no reply, as in Redis");
      assertEquals("[0] \"PING\"", line(m));
    }
  }

  @Test
  void aMonitorThatNeverReadsIsDisconnected() throws Exception {
    try (TestServer s = TestServer.start("--client-output-buffer-limit", "pubsub", "256kb", "0", "0");
        RespClient m = s.client(); RespClient c = s.client()) {
      assertEquals("+OK", m.call("MONITOR"));
      String big = "x".repeat(64 * 1024);
      String stats = "";
      for (int i = 0; i < 2000 && !stats.contains("client_output_buffer_limit_disconnections:1"); i++) {
        c.call("SET", "k", big);
        stats = c.call("INFO", "stats");
      }
      assertTrue(stats.contains("client_output_buffer_limit_disconnections:1"), stats);
    }
  }
}
