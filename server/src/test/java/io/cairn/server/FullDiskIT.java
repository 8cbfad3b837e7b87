package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A persistent server on a real disk that fills up (an 8 MiB tmpfs; needs root, skipped otherwise): a SET that finds
 * no space is answered with an error reply that says so, the connection and every other command go on (reads
 * answer), and once space is freed SETs succeed again by themselves, without a restart.
 */
class FullDiskIT {
  @Test
  void aFullDiskFailsSetsWithAnErrorAndFreeingItBringsThemBack() throws Exception {
    SmallDisk disk = SmallDisk.mountOrSkip(8, 3 << 20);
    try {
      Path filler = disk.filler();
      try (TestServer s = TestServer.start(disk.root().resolve("data"), false, "--persistent", "yes",
          "--durability", "sync", "--heap-entries", "100", "--disk-bytes", "1gb");
          RespClient c = s.client()) {
        String value = "v".repeat(500);
        String error = null;
        int i = 0;
        for (; error == null; i++) {
          String reply = c.call("SET", "key:" + i, value);
          if (reply.startsWith("-")) {
            error = reply;
          } else {
            assertEquals("+OK", reply, "SET key:" + i);
          }
          assertTrue(i < 100_000, "8 MiB never filled");
        }
        assertNotNull(error);
        assertTrue(error.startsWith("-ERR") || error.startsWith("-MISCONF") || error.startsWith("-OOM"), error);
        assertTrue(error.toLowerCase().contains("space"), "the error says why: " + error);
        assertEquals("+PONG", c.call("PING"), "the connection goes on");
        String last = c.call("GET", "key:" + (i - 2));
        assertTrue(last.equals("$" + value) || last.equals("$nil"), "a read answers: " + last);

        Files.delete(filler);
        long deadline = System.nanoTime() + 60_000_000_000L;
        String reply;
        while (!(reply = c.call("SET", "after", "1")).equals("+OK")) {
          assertTrue(System.nanoTime() < deadline, "SETs did not come back within a minute of freeing space: " + reply);
          Thread.sleep(20);
        }
        for (int j = 0; j < 1000; j++) {
          assertEquals("+OK", c.call("SET", "more:" + j, value), "SET more:" + j + " after space was freed");
        }
        assertEquals("$" + value, c.call("GET", "more:999"));
        assertEquals("$1", c.call("GET", "after"));
      }
    } finally {
      disk.close();
    }
  }
}
