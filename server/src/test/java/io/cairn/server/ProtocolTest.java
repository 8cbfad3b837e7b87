package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** RESP framing as clients see it: inline commands, pipelining, split frames, and Redis's protocol errors. */
class ProtocolTest {
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start("--proto-max-bulk-len", "1mb");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void inlineCommandsAsRedisCliSendsThem() throws Exception {
    try (RespClient c = server.client()) {
      c.send("PING\r\n");
      assertEquals("+PONG", c.read());
      c.send("SET \"a key\" 'it''s' \r\nGET \"a key\"\n");
      assertEquals("-ERR Protocol error: unbalanced quotes in request", c.read());
      assertTrue(c.closedByServer());
    }
    try (RespClient c = server.client()) {
      c.send("SET \"a\\x41 key\" 'v w'\r\nGET \"aA key\"\r\n\r\nEXISTS nothing\r\n");
      assertEquals("+OK", c.read());
      assertEquals("$v w", c.read());
      assertEquals(":0", c.read());
    }
  }

  @Test
  void pipelinedRepliesComeBackInOrder() throws Exception {
    try (RespClient c = server.client()) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int i = 0; i < 2000; i++) {
        b.writeBytes(RespClient.encode("SET", "p" + i, "v" + i));
        b.writeBytes(RespClient.encode("GET", "p" + i));
      }
      c.send(b.toByteArray());
      for (int i = 0; i < 2000; i++) {
        assertEquals("+OK", c.read());
        assertEquals("$v" + i, c.read());
      }
    }
  }

  /**
   * The connection parses up to 16 requests ahead of running them (to look their keys up together): a protocol error
   * in the middle of one write is still answered after the replies of every request before it, none of the requests
   * after it runs, and the server closes.
   */
  @Test
  void aProtocolErrorInsideAPipelinedBatchComesAfterTheRepliesBeforeIt() throws Exception {
    try (RespClient c = server.client()) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int i = 0; i < 20; i++) {
        b.writeBytes(RespClient.encode("SET", "batch" + i, "v" + i));
      }
      b.writeBytes("*1\r\n$-5\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      b.writeBytes(RespClient.encode("SET", "after-error", "x"));
      c.send(b.toByteArray());
      for (int i = 0; i < 20; i++) {
        assertEquals("+OK", c.read(), "reply " + i);
      }
      assertEquals("-ERR Protocol error: invalid bulk length", c.read());
      assertTrue(c.closedByServer());
    }
    try (RespClient c = server.client()) {
      assertEquals("$v19", c.call("GET", "batch19"));
      assertEquals("$nil", c.call("GET", "after-error"), "nothing after the error ran");
    }
  }

  /**
   * A batch parsed ahead ends at a SELECT, so the keys behind it are looked up in the database they belong to; every
   * request still runs once and in order, each in the database selected before it.
   */
  @Test
  void selectsInsideAPipelineSwitchDatabasesForTheRequestsBehindThem() throws Exception {
    try (RespClient c = server.client()) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int round = 0; round < 3; round++) {
        for (int db = 0; db < 3; db++) {
          b.writeBytes(RespClient.encode("SELECT", String.valueOf(db)));
          for (int i = 0; i < 20; i++) {
            b.writeBytes(RespClient.encode("APPEND", "sel" + i, String.valueOf(db)));
          }
          b.writeBytes(RespClient.encode("GET", "sel19"));
        }
      }
      b.writeBytes(RespClient.encode("SELECT", "0"));
      c.send(b.toByteArray());
      for (int round = 0; round < 3; round++) {
        for (int db = 0; db < 3; db++) {
          assertEquals("+OK", c.read());
          for (int i = 0; i < 20; i++) {
            assertEquals(":" + (round + 1), c.read(), "round " + round + ", db " + db + ", APPEND " + i);
          }
          assertEquals("$" + String.valueOf(db).repeat(round + 1), c.read());
        }
      }
      assertEquals("+OK", c.read());
      for (int db = 0; db < 3; db++) {
        assertEquals("+OK", c.call("SELECT", String.valueOf(db)));
        assertEquals("$" + String.valueOf(db).repeat(3), c.call("GET", "sel0"));
      }
    }
  }

  /** Authentication changes how requests are parsed, so AUTH in a pipeline is honoured for the requests behind it. */
  @Test
  void authInsideAPipelineAppliesToTheRequestsBehindIt() throws Exception {
    try (TestServer s = TestServer.start("--requirepass", "pipelined-secret"); RespClient c = s.client()) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(RespClient.encode("SET", "k", "before"));
      b.writeBytes(RespClient.encode("AUTH", "pipelined-secret"));
      for (int i = 0; i < 20; i++) {
        b.writeBytes(RespClient.encode("SET", "k" + i, "v" + i));
      }
      b.writeBytes(RespClient.encode("GET", "k19"));
      b.writeBytes(RespClient.encode("RESET"));
      b.writeBytes(RespClient.encode("GET", "k19"));
      c.send(b.toByteArray());
      assertEquals("-NOAUTH Authentication required.", c.read());
      assertEquals("+OK", c.read());
      for (int i = 0; i < 20; i++) {
        assertEquals("+OK", c.read());
      }
      assertEquals("$v19", c.read());
      assertEquals("+RESET", c.read());
      assertEquals("-NOAUTH Authentication required.", c.read(), "RESET ends the authentication");
    }
  }

  @Test
  void framesSplitAnywhereAreReassembled() throws Exception {
    byte[] frame = RespClient.encode("SET", "split", "x".repeat(70_000));
    try (RespClient c = server.client()) {
      for (int cut : new int[] {1, 3, 7, 12, 40_000, frame.length - 1}) {
        c.send(java.util.Arrays.copyOfRange(frame, 0, cut));
        Thread.sleep(5);
        c.send(java.util.Arrays.copyOfRange(frame, cut, frame.length));
        assertEquals("+OK", c.read());
      }
      assertEquals(":70000", c.call("STRLEN", "split"));
    }
  }

  private static void protocolError(String input, String reply) throws Exception {
    try (RespClient c = server.client()) {
      c.send(RespClient.encode("SET", "before", "1"));
      c.send(input);
      assertEquals("+OK", c.read());
      assertEquals(reply, c.read(), "reply to " + input.replace("\r\n", "\\r\\n"));
      assertTrue(c.closedByServer(), "the server closes after a protocol error");
    }
    try (RespClient c = server.client()) {
      assertEquals("$1", c.call("GET", "before"), "other clients and the data are unaffected");
    }
  }

  @Test
  void malformedInputGetsRedisProtocolErrors() throws Exception {
    protocolError("*abc\r\n", "-ERR Protocol error: invalid multibulk length");
    protocolError("*3000000000\r\n", "-ERR Protocol error: invalid multibulk length");
    protocolError("*1\r\n$-5\r\n", "-ERR Protocol error: invalid bulk length");
    protocolError("*1\r\n$2000000\r\n", "-ERR Protocol error: invalid bulk length");
    protocolError("*2\r\n$3\r\nGET\r\n:1\r\n", "-ERR Protocol error: expected '$', got ':'");
    protocolError("GET \"unclosed\r\n", "-ERR Protocol error: unbalanced quotes in request");
    protocolError("x".repeat(70_000), "-ERR Protocol error: too big inline request");
    protocolError("*1\r\n$" + "9".repeat(70_000), "-ERR Protocol error: too big bulk count string");
  }

  @Test
  void emptyAndNegativeMultibulkAreIgnored() throws Exception {
    try (RespClient c = server.client()) {
      c.send("*0\r\n*-1\r\n");
      assertEquals("+PONG", c.call("PING"));
    }
  }

  @Test
  void unknownCommandsAndArityAsRedis7() throws Exception {
    try (RespClient c = server.client()) {
      assertEquals("-ERR unknown command 'FOO', with args beginning with: 'a' 'b' ", c.call("FOO", "a", "b"));
      assertEquals("-ERR wrong number of arguments for 'get' command", c.call("GET"));
      assertEquals("-ERR unknown subcommand 'nope'. Try CLIENT HELP.", c.call("CLIENT", "nope"));
      assertEquals("-ERR wrong number of arguments for 'client|setname' command", c.call("CLIENT", "SETNAME"));
      assertEquals("-ERR wrong number of arguments for 'client' command", c.call("CLIENT"));
    }
  }

  @Test
  void resp3Types() throws Exception {
    try (RespClient c = server.client()) {
      String hello = c.call("HELLO", "3", "SETNAME", "me");
      assertTrue(hello.startsWith("%{$server=$redis,$version=$" + CairnServer.REDIS_VERSION + ",$proto=:3,"), hello);
      assertEquals("_", c.call("GET", "no-such-key"));
      assertEquals("$me", c.call("CLIENT", "GETNAME"));
      assertEquals("-NOPROTO unsupported protocol version", c.call("HELLO", "4"));
      assertTrue(c.call("CONFIG", "GET", "port").startsWith("%{$port="));
    }
  }
}
