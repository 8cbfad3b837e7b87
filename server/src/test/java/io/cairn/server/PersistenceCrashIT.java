package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.TestSeeds;
import io.cairn.engine.TestFiles;
import io.cairn.engine.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A server in a child process with persistent databases (durability buffered or sync) is killed with SIGKILL while a
 * client writes, one SET per round trip or pipelined; after a restart every SET that was acknowledged is there with its expiry. CI runs 3 cycles;
 * {@code -Dcairn.server.crash.cycles=N} runs more. The seed is printed; {@code -Dcairn.seed=N} replays it.
 */
class PersistenceCrashIT {
  private static Process startChild(Path dir, int port, String durability) throws IOException {
    return ChildJvm.builder(Main.class, List.of("-XX:TieredStopAtLevel=1"), "--port", String.valueOf(port), "--dir",
        dir.toString(), "--persistent", "yes", "--durability", durability, "--heap-entries", "500", "--io-threads", "1",
        "--databases", "2").redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("child.log").toFile())).start();
  }

  private static RespClient connect(Process p, int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the child server exited with " + p.exitValue());
      }
      try {
        RespClient c = new RespClient("127.0.0.1", port);
        if (c.call("PING").equals("+PONG")) {
          return c;
        }
        c.close();
      } catch (IOException e) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("the child server did not answer within 60 s");
  }

  @Test
  void everyAcknowledgedSetSurvivesKillNine() throws Exception {
    crashCycles("buffered", 1, 1);
  }

  /**
   * Pipelined SETs from several clients at once (a batch of them in each write, so the server's event loop defers
   * their log records to one write per turn, before the replies): every SET whose reply arrived survives SIGKILL,
   * under buffered and under sync. The kill lands while the clients are writing.
   */
  @Test
  void everyAcknowledgedPipelinedSetSurvivesKillNine() throws Exception {
    crashCycles("buffered", 32, 4);
    crashCycles("sync", 32, 4);
  }

  /**
   * Kill cycles of {@code clients} connections each sending {@code batch} SETs per write and reading their replies;
   * see the class comment.
   */
  private static void crashCycles(String durability, int batch, int clients) throws Exception {
    long seed = TestSeeds.seed("PersistenceCrashIT");
    int cycles = Integer.getInteger("cairn.server.crash.cycles", 3);
    System.out.println("PersistenceCrashIT seed=" + seed + " cycles=" + cycles + " durability=" + durability
        + " batch=" + batch + " clients=" + clients);
    Random rnd = new Random(seed);
    Path dir = Files.createTempDirectory("cairn-server-crash-");
    Map<String, String[]> acked = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
    try {
      for (int cycle = 0; cycle < cycles; cycle++) {
        int port = RealRedis.freePort();
        Process p = startChild(dir, port, durability);
        try {
          try (RespClient c = connect(p, port)) {
            for (Map.Entry<String, String[]> e : acked.entrySet()) {
              assertEquals("$" + e.getValue()[0], c.call("GET", e.getKey()), "seed " + seed + " cycle " + cycle
                  + ": value of acknowledged " + e.getKey());
              assertEquals(":" + e.getValue()[1], c.call("PEXPIRETIME", e.getKey()), "seed " + seed + " cycle "
                  + cycle + ": expiry of acknowledged " + e.getKey());
            }
          }
          List<java.util.concurrent.Future<Integer>> writers = new java.util.ArrayList<>();
          for (int t = 0; t < clients; t++) {
            Random r = new Random(rnd.nextLong());
            String prefix = "c" + cycle + "-t" + t + "-";
            writers.add(pool.submit(() -> write(port, prefix, r, batch, acked)));
          }
          int before = acked.size();
          Thread.sleep(200 + rnd.nextInt(1000));
          p.destroyForcibly();
          for (java.util.concurrent.Future<Integer> w : writers) {
            try {
              assertTrue(w.get(60, TimeUnit.SECONDS) > 0, "seed " + seed + " cycle " + cycle
                  + ": every client had SETs acknowledged before the kill");
            } catch (java.util.concurrent.ExecutionException e) {
              if (e.getCause() instanceof AssertionError a) {
                throw a;
              }
              throw e;
            }
          }
          assertTrue(acked.size() > before, "seed " + seed + " cycle " + cycle + ": SETs were acknowledged");
        } finally {
          p.destroyForcibly();
          assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
      }
      int port = RealRedis.freePort();
      Process p = startChild(dir, port, durability);
      try (RespClient c = connect(p, port)) {
        for (Map.Entry<String, String[]> e : acked.entrySet()) {
          assertEquals("$" + e.getValue()[0], c.call("GET", e.getKey()), "seed " + seed + ": " + e.getKey());
          assertEquals(":" + e.getValue()[1], c.call("PEXPIRETIME", e.getKey()), "seed " + seed + ": " + e.getKey());
        }
        c.send(RespClient.encode("SHUTDOWN"));
        assertTrue(c.closedByServer(), "SHUTDOWN closes the connection without a reply");
      } finally {
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "SHUTDOWN ends the process");
        assertEquals(0, p.exitValue());
      }
      System.out.println("PersistenceCrashIT: " + acked.size() + " acknowledged SETs survived " + cycles
          + " kills (durability " + durability + ", " + clients + " client(s), " + batch + " per write)");
    } finally {
      pool.shutdownNow();
      TestFiles.deleteTree(dir);
    }
  }

  /** One client's SETs until the server dies: each acknowledged one goes into {@code acked}; returns how many. */
  private static int write(int port, String prefix, Random rnd, int batch, Map<String, String[]> acked)
      throws IOException {
    int i = 0;
    int acknowledged = 0;
    try (RespClient c = new RespClient("127.0.0.1", port)) {
      while (true) {
        java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
        List<String[]> sent = new java.util.ArrayList<>();
        for (int b = 0; b < batch; b++) {
          String key = prefix + i++;
          String value = "v" + rnd.nextInt(1_000_000);
          String expiry = rnd.nextBoolean() ? "-1"
              : String.valueOf(System.currentTimeMillis() + 3_600_000 + rnd.nextInt(1_000_000));
          request.writeBytes(expiry.equals("-1") ? RespClient.encode("SET", key, value)
              : RespClient.encode("SET", key, value, "PXAT", expiry));
          sent.add(new String[] {key, value, expiry});
        }
        c.send(request.toByteArray());
        for (String[] k : sent) {
          assertEquals("+OK", c.read(), "SET " + k[0]);
          acked.put(k[0], new String[] {k[1], k[2]});
          acknowledged++;
        }
      }
    } catch (IOException killed) {
      return acknowledged; // the connection died with the process (or could not be made after it died)
    }
  }

  /**
   * Durability none keeps no log, so a killed process loses what is not in disk files yet; SAVE puts everything written
   * before it there (the heap's unsaved entries and the memtable), so those writes survive SIGKILL.
   */
  @Test
  void writesBeforeASaveSurviveKillNineWithoutALog() throws Exception {
    Path dir = Files.createTempDirectory("cairn-server-save-");
    try {
      int port = RealRedis.freePort();
      Process p = startChild(dir, port, "none");
      try (RespClient c = connect(p, port)) {
        long before = Long.parseLong(c.call("LASTSAVE").substring(1));
        for (int i = 0; i < 2000; i++) {
          assertEquals("+OK", c.call("SET", "saved-" + i, "v" + i));
        }
        assertEquals("+OK", c.call("SET", "ttl", "t", "PXAT", "4102444800000"));
        Thread.sleep(1100);
        assertEquals("+OK", c.call("SAVE"));
        assertTrue(Long.parseLong(c.call("LASTSAVE").substring(1)) > before, "LASTSAVE moves to the save");
        assertEquals("+Background saving started", c.call("BGSAVE"));
        assertTrue(c.call("INFO", "persistence").contains("rdb_last_bgsave_status:ok"));
      } finally {
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      }
      port = RealRedis.freePort();
      p = startChild(dir, port, "none");
      try (RespClient c = connect(p, port)) {
        for (int i = 0; i < 2000; i++) {
          assertEquals("$v" + i, c.call("GET", "saved-" + i), "saved-" + i + " was written before SAVE");
        }
        assertEquals(":4102444800000", c.call("PEXPIRETIME", "ttl"), "with its expiry");
      } finally {
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      }
    } finally {
      TestFiles.deleteTree(dir);
    }
  }
}
