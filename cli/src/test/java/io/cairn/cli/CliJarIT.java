package io.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.CompactionStyle;
import io.cairn.jcache.CairnCachingProvider;
import io.cairn.jcache.CairnConfiguration;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar, as a user runs it: {@code java -jar cairn-cli.jar COMMAND DIR}, in a JVM of its own. */
class CliJarIT {
  @TempDir Path tmp;

  private Cli.Result java(Object... args) throws IOException, InterruptedException {
    Path jar = Path.of(System.getProperty("cairn.cli.jar", "target/cairn-cli.jar"));
    assertTrue(Files.isRegularFile(jar), "the shaded jar is built in package: " + jar);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString()));
    for (Object a : args) {
      command.add(String.valueOf(a));
    }
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("cairn " + List.of(args) + " did not finish");
    }
    return new Cli.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void theJarRunsEveryCommand() throws Exception {
    Path dir = EngineCommandsTest.build(tmp.resolve("store"), CompactionStyle.LEVELED);
    Cli.Result version = java("--version");
    assertEquals(0, version.code(), version.toString());
    assertEquals("cairn 0.1.0", version.out().strip());

    Cli.Result inspect = java("inspect", dir);
    assertEquals(0, inspect.code(), inspect.toString());
    assertTrue(inspect.out().contains("compaction LEVELED"), inspect.out());
    Cli.Result verify = java("verify", dir);
    assertEquals(0, verify.code(), verify.toString());
    assertTrue(verify.out().contains("clean: manifest, 2 tables"), verify.out());
    Cli.Result dump = java("dump", dir, "--from", "key-001", "--limit", "2");
    assertEquals(List.of("key-001 => value-001-new", "key-002 => value-002"), dump.lines());
    assertEquals("value-001-new", java("get", dir, "key-001").out().strip());
    assertEquals(0, java("compact", dir).code());

    Path table = Cli.files(dir, "sst").get(0);
    Cli.flip(table, 50);
    Cli.Result damaged = java("verify", dir);
    assertEquals(1, damaged.code(), damaged.toString());
    assertTrue(damaged.out().contains(table + " at offset 0: block checksum mismatch"), damaged.out());

    CacheManager manager = Caching.getCachingProvider(CairnCachingProvider.class.getName())
        .getCacheManager(URI.create("urn:cairn:cli-jar"), getClass().getClassLoader());
    try {
      Cache<String, String> c = manager.createCache("tokens", new CairnConfiguration<String, String>()
          .setTypes(String.class, String.class).setPersistent(true).setDirectory(tmp.resolve("tokens")));
      c.put("t-1", "alice");
      c.close();
    } finally {
      manager.close();
    }
    Cli.Result cache = java("cache", tmp.resolve("tokens"));
    assertEquals(0, cache.code(), cache.toString());
    assertTrue(cache.out().contains("cache          tokens\n") && cache.out().contains("  \"t-1\" => \"alice\"\n"),
        cache.out());
  }
}
