package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** redis-cli against Cairn server, where redis-cli is installed (Debian's redis-tools). */
class RedisCliTest {
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static String cli(String stdin, String... args) throws Exception {
    String bin = null;
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, "redis-cli"))) {
        bin = Path.of(d, "redis-cli").toString();
      }
    }
    assumeTrue(bin != null, "skipped: redis-cli is not installed");
    List<String> cmd = new ArrayList<>(List.of(bin, "-h", "127.0.0.1", "-p", String.valueOf(server.port())));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return out;
  }

  @Test
  void commandsScanAndPipe() throws Exception {
    assertEquals("OK\n", cli(null, "SET", "cli:a", "hello world"));
    assertEquals("hello world\n", cli(null, "GET", "cli:a"));
    assertEquals("(integer) 11\n", cli(null, "--no-raw", "STRLEN", "cli:a"));
    assertEquals("(error) ERR unknown command 'NOPE', with args beginning with: \n", cli(null, "--no-raw", "NOPE"));
    String piped = cli("SET cli:b 1\nINCR cli:b\nGET cli:b\n");
    assertEquals("OK\n2\n2\n", piped, "redis-cli reading commands from stdin");
    String scan = cli(null, "--scan", "--pattern", "cli:*");
    assertTrue(scan.contains("cli:a") && scan.contains("cli:b"), scan);
    assertTrue(cli(null, "INFO", "server").contains("redis_version:"));
  }
}
