package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Multi-key commands and transactions stay atomic although Cairn runs commands on several event loops at once:
 * clients race, and no one ever sees half of an MSET, a lost INCR inside MULTI, or a RENAME that duplicates or
 * drops a key.
 */
class IsolationTest {
  @Test
  void concurrentCommandsKeepMultiKeyAtomicity() throws Exception {
    try (TestServer s = TestServer.start("--io-threads", "4")) {
      try (RespClient c = s.client()) {
        c.call("MSET", "a", "0", "b", "0", "c", "0");
        c.call("SET", "token", "t");
      }
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<String>> results = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        int id = w;
        results.add(pool.submit(() -> {
          try (RespClient c = s.client()) {
            for (int i = 0; i < 2000; i++) {
              String v = id + "-" + i;
              c.call("MSET", "a", v, "b", v, "c", v);
            }
          }
          return "";
        }));
      }
      for (int w = 0; w < 2; w++) {
        results.add(pool.submit(() -> {
          try (RespClient c = s.client()) {
            for (int i = 0; i < 3000; i++) {
              String r = c.call("MGET", "a", "b", "c");
              String[] parts = r.substring(2, r.length() - 1).split(",");
              if (!parts[0].equals(parts[1]) || !parts[1].equals(parts[2])) {
                return "a torn MSET: " + r;
              }
            }
          }
          return "";
        }));
      }
      for (int w = 0; w < 2; w++) {
        results.add(pool.submit(() -> {
          try (RespClient c = s.client()) {
            for (int i = 0; i < 1000; i++) {
              c.call("MULTI");
              c.call("INCR", "counter");
              c.call("INCR", "counter2");
              c.call("EXEC");
            }
          }
          return "";
        }));
      }
      results.add(pool.submit(() -> {
        try (RespClient c = s.client()) {
          for (int i = 0; i < 1000; i++) {
            String r = c.call("RENAME", i % 2 == 0 ? "token" : "token2", i % 2 == 0 ? "token2" : "token");
            if (!r.equals("+OK")) {
              return "RENAME lost the key: " + r;
            }
          }
        }
        return "";
      }));
      for (Future<String> f : results) {
        assertEquals("", f.get(120, TimeUnit.SECONDS));
      }
      pool.shutdown();
      try (RespClient c = s.client()) {
        assertEquals("$2000", c.call("GET", "counter"), "no INCR inside MULTI was lost");
        assertEquals("$2000", c.call("GET", "counter2"));
        assertEquals(":1", c.call("EXISTS", "token", "token2"), "exactly one of the renamed keys exists");
      }
    }
  }

  @Test
  void expiryOfAWatchedKeyFailsTheTransaction() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client()) {
      c.call("SET", "w", "1", "PX", "100");
      c.call("WATCH", "w");
      Thread.sleep(300);
      c.call("MULTI");
      c.call("SET", "after", "1");
      assertEquals("*nil", c.call("EXEC"), "a watched key that expired makes EXEC answer nil");
      assertEquals("$nil", c.call("GET", "after"));
      assertTrue(c.call("EXISTS", "w").equals(":0"));
    }
  }
}
