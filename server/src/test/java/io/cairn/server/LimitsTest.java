package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** redis.conf's client limits, each enforced: maxclients, timeout, output buffer limits, and bounded pipelining. */
class LimitsTest {
  @Test
  void maxclients() throws Exception {
    try (TestServer s = TestServer.start("--maxclients", "3")) {
      List<RespClient> held = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          RespClient c = s.client();
          assertEquals("+PONG", c.call("PING"));
          held.add(c);
        }
        try (RespClient extra = s.client()) {
          assertEquals("-ERR max number of clients reached", extra.read());
          assertTrue(extra.closedByServer());
        }
        held.remove(0).close();
        Thread.sleep(200);
        try (RespClient again = s.client()) {
          assertEquals("+PONG", again.call("PING"), "a freed slot can be used again");
        }
      } finally {
        for (RespClient c : held) {
          c.close();
        }
      }
    }
  }

  @Test
  void idleClientsAreClosedAfterTheTimeoutButSubscribersAreNot() throws Exception {
    try (TestServer s = TestServer.start("--timeout", "1"); RespClient idle = s.client();
        RespClient sub = s.client()) {
      idle.call("PING");
      sub.call("SUBSCRIBE", "c");
      assertTrue(idle.closedByServer(), "an idle client is closed");
      try (RespClient pub = s.client()) {
        assertEquals(":1", pub.call("PUBLISH", "c", "still-there"));
      }
      assertEquals("*[$message,$c,$still-there]", sub.read());
    }
  }

  @Test
  void aSubscriberThatNeverReadsIsDisconnected() throws Exception {
    try (TestServer s = TestServer.start("--client-output-buffer-limit", "pubsub", "256kb", "0", "0");
        RespClient slow = s.client(); RespClient pub = s.client()) {
      slow.call("SUBSCRIBE", "firehose");
      String big = "x".repeat(64 * 1024);
      long receivers = 1;
      for (int i = 0; i < 2000 && receivers > 0; i++) {
        receivers = Long.parseLong(pub.call("PUBLISH", "firehose", big).substring(1));
      }
      assertEquals(0, receivers, "the subscriber was cut off instead of buffered without bound");
      String stats = pub.call("INFO", "stats");
      assertTrue(stats.contains("client_output_buffer_limit_disconnections:1"), stats);
    }
  }

  @Test
  void aNormalClientOverItsHardLimitIsDisconnected() throws Exception {
    try (TestServer s = TestServer.start("--client-output-buffer-limit", "normal", "512kb", "0", "0");
        RespClient c = s.client(); RespClient observer = s.client()) {
      observer.call("SET", "big", "z".repeat(300 * 1024));
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int i = 0; i < 200; i++) {
        b.writeBytes(RespClient.encode("GET", "big"));
      }
      c.send(b.toByteArray());
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      String stats = "";
      while (!stats.contains("client_output_buffer_limit_disconnections:1") && System.nanoTime() < deadline) {
        Thread.sleep(50);
        stats = observer.call("INFO", "stats");
      }
      assertTrue(stats.contains("client_output_buffer_limit_disconnections:1"), stats);
    }
  }

  @Test
  void aPipelinerThatDoesNotReadIsNotBufferedWithoutBound() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client(); RespClient observer = s.client()) {
      c.call("SET", "big", "y".repeat(256 * 1024));
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int i = 0; i < 2000; i++) {
        b.writeBytes(RespClient.encode("GET", "big"));
      }
      Thread writer = new Thread(() -> {
        try {
          c.send(b.toByteArray());
        } catch (Exception e) {
          // the reader below reports what arrived
        }
      });
      writer.start();
      Thread.sleep(1000);
      String clients = observer.call("CLIENT", "LIST");
      long maxOmem = 0;
      for (String line : clients.split("\n")) {
        int at = line.indexOf(" omem=");
        if (at > 0) {
          maxOmem = Math.max(maxOmem, Long.parseLong(line.substring(at + 6, line.indexOf(' ', at + 6))));
        }
      }
      assertTrue(maxOmem < 16L << 20, "output waiting for a client that does not read stays bounded: " + maxOmem);
      for (int i = 0; i < 2000; i++) {
        assertEquals(256 * 1024 + 1, c.read().length(), "reply " + i);
      }
      writer.join();
    }
  }
}
