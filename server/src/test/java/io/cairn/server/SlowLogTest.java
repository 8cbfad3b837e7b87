package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** SLOWLOG: what is kept, how entries read, and the two settings. */
class SlowLogTest {
  /** An entry's arguments, address and name, without its id, time and duration. */
  private static String withoutTimes(String entry) {
    return entry.replaceFirst("^\\*\\[:\\d+,:\\d+,:\\d+,", "*[").replaceAll("\\$127\\.0\\.0\\.1:\\d+", "\\$ADDR");
  }

  @Test
  void keepsSlowCommandsNewestFirstTrimmedAndRedacted() throws Exception {
    try (TestServer s = TestServer.start("--slowlog-log-slower-than", "0", "--slowlog-max-len", "4");
        RespClient c = s.client()) {
      c.call("SLOWLOG", "RESET");
      c.call("CLIENT", "SETNAME", "app");
      c.call("SET", "k", "v".repeat(130));
      c.call("AUTH", "secret");
      String[] mset = new String[41];
      mset[0] = "MSET";
      for (int i = 1; i < mset.length; i++) {
        mset[i] = String.valueOf(i);
      }
      c.call(mset);
      String all = c.call("SLOWLOG", "GET", "-1");
      String[] e = all.substring(2, all.length() - 1).split("(?<=\\]),(?=\\*\\[)");
      assertEquals(4, e.length, all);
      StringBuilder firstArgs = new StringBuilder("*[$MSET");
      for (int i = 1; i <= 30; i++) {
        firstArgs.append(",$").append(i);
      }
      firstArgs.append(",$... (10 more arguments)]");
      assertEquals("*[" + firstArgs + ",$ADDR,$app]", withoutTimes(e[0]), "at most 32 arguments, newest first");
      assertEquals("*[*[$AUTH,$(redacted)],$ADDR,$app]", withoutTimes(e[1]));
      assertEquals("*[*[$SET,$k,$" + "v".repeat(128) + "... (2 more bytes)],$ADDR,$app]", withoutTimes(e[2]));
      assertEquals("*[*[$CLIENT,$SETNAME,$app],$ADDR,$app]", withoutTimes(e[3]),
          "slowlog-max-len 4 dropped the oldest (SLOWLOG RESET)");
      assertTrue(e[0].matches("\\*\\[:(\\d+),:\\d{10},:\\d+,.*"), e[0]);
      assertEquals(":4", c.call("SLOWLOG", "LEN"));
      assertTrue(c.call("SLOWLOG", "GET", "1").startsWith("*[*[:"), "count 1: the newest entry only");
      assertEquals("-ERR count should be greater than or equal to -1", c.call("SLOWLOG", "GET", "-2"));
      assertEquals("-ERR count should be greater than or equal to -1", c.call("SLOWLOG", "GET", "x"));
    }
  }

  @Test
  void execIsNotLoggedButWhatItRunsIs() throws Exception {
    try (TestServer s = TestServer.start("--slowlog-log-slower-than", "0"); RespClient c = s.client()) {
      c.call("MULTI");
      c.call("INCR", "n");
      c.call("EXEC");
      String got = c.call("SLOWLOG", "GET", "2").replaceAll("\\*\\[:\\d+,:\\d+,:\\d+,", "*[")
          .replaceAll("\\$127\\.0\\.0\\.1:\\d+", "\\$ADDR");
      assertEquals("*[*[*[$INCR,$n],$ADDR,$],*[*[$MULTI],$ADDR,$]]", got,
          "the INCR EXEC ran, then MULTI; no EXEC");
    }
  }

  @Test
  void thresholdAndLengthAreSettings() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client()) {
      assertEquals("*[$slowlog-log-slower-than,$10000]", c.call("CONFIG", "GET", "slowlog-log-slower-than"),
          "Redis's default: 10 ms");
      assertEquals("*[$slowlog-max-len,$128]", c.call("CONFIG", "GET", "slowlog-max-len"));
      assertEquals("+OK", c.call("CONFIG", "SET", "slowlog-log-slower-than", "60000000"));
      c.call("SET", "k", "v");
      assertEquals(":0", c.call("SLOWLOG", "LEN"), "nothing here takes a minute");
      assertEquals("+OK", c.call("CONFIG", "SET", "slowlog-log-slower-than", "0"));
      c.call("GET", "k");
      assertEquals(":2", c.call("SLOWLOG", "LEN"), "the GET and the CONFIG SET itself");
      assertEquals("+OK", c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1"));
      c.call("SLOWLOG", "RESET");
      c.call("GET", "k");
      assertEquals(":0", c.call("SLOWLOG", "LEN"), "negative: nothing is kept");
      assertTrue(c.call("CONFIG", "SET", "slowlog-max-len", "-3").startsWith(
          "-ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len')"));
    }
  }
}
