package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.TestSeeds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated RESP frames over many connections at once: cut frames, huge and negative lengths, binary
 * garbage, half a command then silence. Afterwards the server still answers, the data written before is intact, and
 * the heap it used is bounded. {@code -Dcairn.fuzz.seconds=N} sets the duration (CI: 20); the seed is printed and
 * {@code -Dcairn.seed=N} replays the frame choices.
 */
class ProtocolFuzzIT {
  private static final String[] COMMANDS = {"GET", "SET", "INCR", "MGET", "DEL", "EXPIRE", "MULTI", "EXEC", "HELLO",
      "CLIENT", "SUBSCRIBE", "PING", "APPEND", "SETRANGE", "CONFIG", "WATCH", "SCAN"};

  @Test
  void theServerSurvivesGarbage() throws Exception {
    long seed = TestSeeds.seed("ProtocolFuzzIT");
    int seconds = Integer.getInteger("cairn.fuzz.seconds", 20);
    System.out.println("ProtocolFuzzIT seed=" + seed + " seconds=" + seconds);
    try (TestServer s = TestServer.start("--proto-max-bulk-len", "8mb"); RespClient keeper = s.client()) {
      for (int i = 0; i < 1000; i++) {
        assertEquals("+OK", keeper.call("SET", "kept:" + i, "value-" + i));
      }
      ExecutorService pool = Executors.newFixedThreadPool(16);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      List<Future<Long>> workers = new ArrayList<>();
      for (int w = 0; w < 16; w++) {
        long workerSeed = seed + w;
        workers.add(pool.submit(() -> fuzz(s.port(), new Random(workerSeed), deadline)));
      }
      long frames = 0;
      for (Future<Long> f : workers) {
        frames += f.get(seconds + 60L, TimeUnit.SECONDS);
      }
      pool.shutdown();
      System.out.println("ProtocolFuzzIT: " + frames + " frames sent");
      // The event loops may still be closing the fuzzers' last connections (thousands a second): wait for them.
      String pong = "";
      long drained = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!pong.equals("+PONG") && System.nanoTime() < drained) {
        try (RespClient probe = s.client()) {
          pong = probe.call("PING");
        }
        if (!pong.equals("+PONG")) {
          System.out.println("ProtocolFuzzIT: " + s.server.connectedClients() + " connections still open: " + pong);
          Thread.sleep(200);
        }
      }
      assertEquals("+PONG", pong, "the server answers again once the fuzzers' connections are closed");
      try (RespClient after = s.client()) {
        for (int i = 0; i < 1000; i++) {
          String v = after.call("GET", "kept:" + i);
          assertTrue(v.equals("$value-" + i), "kept:" + i + " intact, was " + v);
        }
      }
      System.gc();
      Runtime rt = Runtime.getRuntime();
      long used = rt.totalMemory() - rt.freeMemory();
      assertTrue(used < 512L << 20, "heap in use after the fuzzing: " + used);
    }
  }

  /** One worker: connections that each get a few frames of garbage or near-RESP; returns frames sent. */
  private static long fuzz(int port, Random rnd, long deadline) {
    long frames = 0;
    while (System.nanoTime() < deadline) {
      try (Socket sock = new Socket("127.0.0.1", port)) {
        sock.setSoTimeout(200);
        InputStream in = sock.getInputStream();
        int n = 1 + rnd.nextInt(20);
        for (int i = 0; i < n && System.nanoTime() < deadline; i++) {
          sock.getOutputStream().write(frame(rnd));
          frames++;
          drain(in);
        }
        if (rnd.nextInt(4) == 0) {
          sock.getOutputStream().write("*3\r\n$3\r\nSET\r\n$1".getBytes());
        }
      } catch (IOException closedByServer) {
        // expected: protocol errors close the connection
      }
    }
    return frames;
  }

  private static void drain(InputStream in) {
    try {
      byte[] b = new byte[65536];
      while (in.available() > 0 && in.read(b) > 0) {
        // discard replies
      }
    } catch (IOException e) {
      // closed
    }
  }

  private static byte[] frame(Random rnd) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    switch (rnd.nextInt(8)) {
      case 0 -> {
        byte[] g = new byte[rnd.nextInt(2000)];
        rnd.nextBytes(g);
        b.writeBytes(g);
      }
      case 1 -> b.writeBytes(("*" + (rnd.nextBoolean() ? "-" : "") + rnd.nextInt(Integer.MAX_VALUE) + "\r\n")
          .getBytes());
      case 2 -> b.writeBytes(("*1\r\n$" + (rnd.nextBoolean() ? "999999999" : "-" + rnd.nextInt(9)) + "\r\n")
          .getBytes());
      case 3 -> b.writeBytes((COMMANDS[rnd.nextInt(COMMANDS.length)] + " \"" + rnd.nextInt() + "\r\n").getBytes());
      default -> {
        int argc = 1 + rnd.nextInt(5);
        byte[][] args = new byte[argc][];
        args[0] = COMMANDS[rnd.nextInt(COMMANDS.length)].getBytes();
        for (int i = 1; i < argc; i++) {
          args[i] = rnd.nextInt(3) == 0 ? ("fuzz:" + rnd.nextInt(50)).getBytes()
              : String.valueOf(rnd.nextInt(200) - 100).getBytes();
        }
        RespClient.writeCommand(b, args);
        byte[] f = b.toByteArray();
        if (rnd.nextInt(3) == 0 && f.length > 0) {
          f[rnd.nextInt(f.length)] = (byte) rnd.nextInt(256);
        }
        if (rnd.nextInt(4) == 0) {
          f = java.util.Arrays.copyOf(f, rnd.nextInt(f.length + 1));
        }
        return f;
      }
    }
    return b.toByteArray();
  }
}
