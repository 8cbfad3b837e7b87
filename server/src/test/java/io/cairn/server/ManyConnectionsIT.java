package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Thousands of clients at once: 2,000 connections open together, each PINGs and writes and reads its own key
 * (pipelined over all of them: every request is sent before any reply is read), INFO counts them all, and once they
 * close the server is back to the one client asking.
 */
class ManyConnectionsIT {
  @Test
  void twoThousandClientsAreServedTogether() throws Exception {
    int n = 2000;
    try (TestServer s = TestServer.start("--maxclients", "5000"); RespClient admin = s.client()) {
      List<RespClient> clients = new ArrayList<>();
      try {
        for (int i = 0; i < n; i++) {
          clients.add(s.client());
        }
        for (int i = 0; i < n; i++) {
          RespClient c = clients.get(i);
          byte[] ping = RespClient.encode("PING");
          byte[] set = RespClient.encode("SET", "c" + i, "v" + i);
          byte[] get = RespClient.encode("GET", "c" + i);
          byte[] all = new byte[ping.length + set.length + get.length];
          System.arraycopy(ping, 0, all, 0, ping.length);
          System.arraycopy(set, 0, all, ping.length, set.length);
          System.arraycopy(get, 0, all, ping.length + set.length, get.length);
          c.send(all);
        }
        for (int i = 0; i < n; i++) {
          RespClient c = clients.get(i);
          assertEquals("+PONG", c.read(), "client " + i);
          assertEquals("+OK", c.read(), "client " + i);
          assertEquals("$v" + i, c.read(), "client " + i);
        }
        assertEquals(n + 1, connected(admin), "INFO counts every client");
      } finally {
        for (RespClient c : clients) {
          c.close();
        }
      }
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (connected(admin) != 1 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1, connected(admin), "every closed connection is gone");
      assertEquals(":" + n, admin.call("DBSIZE"));
    }
  }

  private static long connected(RespClient c) throws Exception {
    for (String line : c.call("INFO", "clients").split("\r\n")) {
      if (line.startsWith("connected_clients:")) {
        return Long.parseLong(line.substring("connected_clients:".length()));
      }
    }
    throw new AssertionError("INFO clients has no connected_clients");
  }
}
