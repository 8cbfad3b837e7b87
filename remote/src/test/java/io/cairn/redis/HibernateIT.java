package io.cairn.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cairn.engine.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;

/**
 * Hibernate's second-level cache across two application JVMs (child processes over one H2 database and one real
 * redis-server), remote through {@code -Dcairn.remote.uri} alone: an entity read in B, updated in A, is read fresh
 * in B, and B's reads of an unchanged entity run no SQL.
 */
class HibernateIT {
  /** A child process and its command line. */
  private static final class App implements AutoCloseable {
    final Process process;
    final BufferedReader out;
    final Writer in;
    final List<String> seen = new ArrayList<>();

    App(String redisUri, String jdbc) throws Exception {
      process = ChildJvm.builder(HibernateChild.class, List.of("-Dcairn.remote.uri=" + redisUri), jdbc).start();
      out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      answer("READY");
    }

    /** The next line starting with {@code prefix} (Hibernate's log lines are skipped). */
    String answer(String prefix) throws Exception {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        seen.add(line);
        if (line.startsWith(prefix)) {
          return line;
        }
      }
      throw new AssertionError("the application ended before " + prefix + ": " + seen);
    }

    String call(String command, String prefix) throws Exception {
      in.write(command + "\n");
      in.flush();
      return answer(prefix);
    }

    @Override
    public void close() throws java.io.IOException {
      in.write("QUIT\n");
      in.flush();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void anUpdateInOneApplicationIsReadFreshInTheOtherAndUnchangedReadsRunNoSql() throws Exception {
    Server h2 = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
    try (RedisProcess redis = RedisProcess.start()) {
      String jdbc = "jdbc:h2:tcp://127.0.0.1:" + h2.getPort() + "/mem:shop;DB_CLOSE_DELAY=-1";
      try (App a = new App(redis.uri(), jdbc); App b = new App(redis.uri(), jdbc)) {
        a.call("CREATE 1 first", "OK");
        assertEquals("VALUE first", name(b.call("READ 1", "VALUE")));
        assertEquals("VALUE first SQL 0", b.call("READ 1", "VALUE"), "an unchanged entity comes from the cache");
        a.call("UPDATE 1 second", "OK");
        assertEquals("VALUE second", name(b.call("READ 1", "VALUE")), "B reads A's update");
        assertEquals("VALUE second SQL 0", b.call("READ 1", "VALUE"), "and then from the cache again");
      }
    } finally {
      h2.stop();
    }
  }

  private static String name(String answer) {
    return answer.substring(0, answer.indexOf(" SQL"));
  }
}
