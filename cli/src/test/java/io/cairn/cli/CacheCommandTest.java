package io.cairn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.jcache.TestManagers;
import io.cairn.engine.CompactionStyle;
import io.cairn.engine.Options;
import io.cairn.engine.Store;
import io.cairn.jcache.CairnConfiguration;
import io.cairn.jcache.Codec;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cairn cache against disk directories written by real persistent caches of the provider. */
class CacheCommandTest {
  @TempDir Path tmp;
  private CacheManager manager;

  /** A value class the tool must not load: shown by class name. */
  record Point(int x, int y) implements Serializable {}

  @BeforeEach
  void open() {
    Properties p = new Properties();
    p.setProperty("directory", tmp.resolve("root").toString());
    manager = TestManagers.open("cli", p);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private <K, V> Cache<K, V> persistent(String name, Class<K> k, Class<V> v) {
    return manager.createCache(name, new CairnConfiguration<K, V>().setTypes(k, v).setPersistent(true)
        .setDirectory(tmp.resolve(name)));
  }

  @Test
  void showsNameCodecsCountsHistogramAndDecodedEntries() {
    Cache<String, Long> users = persistent("users", String.class, Long.class);
    for (long i = 0; i < 30; i++) {
      users.put("user-" + i, i * 10);
    }
    users.remove("user-3");
    CairnConfiguration<String, Long> expiring = new CairnConfiguration<String, Long>()
        .setTypes(String.class, Long.class).setPersistent(true).setDirectory(tmp.resolve("users"));
    users.close();
    expiring.setExpiryPolicyFactory(CreatedExpiryPolicy.factoryOf(new Duration(TimeUnit.HOURS, 2)));
    Cache<String, Long> again = manager.createCache("users", expiring);
    for (long i = 100; i < 105; i++) {
      again.put("user-" + i, i);
    }
    again.close();

    Cli.Result r = Cli.run("cache", tmp.resolve("users"), "--limit", "3");
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("cache          users\n"), r.out());
    assertTrue(r.out().contains("layout         version 2\n"), r.out());
    assertTrue(r.out().contains("key codec      String\n"), r.out());
    assertTrue(r.out().contains("value codec    Long\n"), r.out());
    assertTrue(r.out().contains("entries        34 live\n"), r.out());
    assertTrue(r.out().contains("expiry index   5 records\n"), r.out());
    assertTrue(r.out().matches("(?s).*no expiry\\s+29\n.*< 1 day\\s+5\n.*"), r.out());
    assertTrue(r.out().contains("entries (the first 3 in key order; --limit N shows more)"), r.out());
    assertTrue(r.out().contains("  \"user-0\" => 0\n  \"user-1\" => 10\n  \"user-10\" => 100\n"), r.out());
    Cli.Result expiringOnes = Cli.run("cache", tmp.resolve("users"), "--limit", "40");
    assertTrue(expiringOnes.out().contains("  \"user-100\" => 100  (expires 20"), expiringOnes.out());
    assertTrue(!expiringOnes.out().contains("\"user-3\""), "a removed entry is not shown");
  }

  /** Each built-in codec as the provider writes it, and the tool's reading of it. */
  @Test
  void everyBuiltInCodecIsDecoded() {
    UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    List<String> expected = new ArrayList<>();
    put(persistent("ints", Integer.class, Short.class), -5, (short) -300);
    expected.add("-5 => -300");
    put(persistent("bytes", Byte.class, Character.class), (byte) -7, 'x');
    expected.add("-7 => 'x'");
    put(persistent("bools", Boolean.class, Double.class), true, -1.5);
    expected.add("true => -1.5");
    put(persistent("floats", Float.class, UUID.class), 2.5f, id);
    expected.add("2.5 => " + id);
    put(persistent("uuids", UUID.class, byte[].class), id, new byte[] {1, 2, (byte) 0xff});
    expected.add(id + " => 0x0102ff");
    put(persistent("objects", Object.class, Object.class), "k", new ArrayList<>(List.of("a", "b")));
    expected.add("\"k\" => [a, b]");
    put(persistent("points", Long.class, Object.class), 9L, new Point(1, 2));
    List<String> names = List.of("ints", "bytes", "bools", "floats", "uuids", "objects");
    for (int i = 0; i < names.size(); i++) {
      Cli.Result r = Cli.run("cache", tmp.resolve(names.get(i)));
      assertEquals(0, r.code(), r.toString());
      assertTrue(r.out().contains("\n  " + expected.get(i) + "\n"), names.get(i) + ": " + r.out());
    }
    Cli.Result objects = Cli.run("cache", tmp.resolve("objects"));
    assertTrue(objects.out().contains("key codec      tagged\n"), objects.out());
    Cli.Result points = Cli.run("cache", tmp.resolve("points"));
    assertTrue(points.out().matches("(?s).*\n  9 => <serialized io\\.cairn\\.cli\\.CacheCommandTest\\$Point, \\d+ "
        + "bytes>\n.*"), points.out());
  }

  private static <K, V> void put(Cache<K, V> c, K k, V v) {
    c.put(k, v);
    c.close();
  }

  /** A codec of the application's own: its bytes are shown escaped, its class named. */
  static final class Upper implements Codec<String> {
    @Override
    public byte[] encode(String value) {
      return value.toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  @Test
  void aCustomCodecIsNamedAndItsBytesShown() {
    Cache<String, String> c = manager.createCache("custom", new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class).setPersistent(true).setDirectory(tmp.resolve("custom"))
        .setValueCodec(new Upper()));
    c.put("a", "hello");
    c.close();
    Cli.Result r = Cli.run("cache", tmp.resolve("custom"));
    assertTrue(r.out().contains("value codec    io.cairn.cli.CacheCommandTest$Upper (not built in: shown as escaped "
        + "bytes)"), r.out());
    assertTrue(r.out().contains("  \"a\" => HELLO\n"), r.out());
  }

  @Test
  void aBidirectionalCacheShowsItsInverseIndex() {
    Cache<String, String> c = manager.createCache("sessions", new CairnConfiguration<String, String>()
        .setTypes(String.class, String.class).setPersistent(true).setDirectory(tmp.resolve("sessions"))
        .setBidirectional(true));
    c.put("token-1", "user-1");
    c.put("token-2", "user-2");
    c.close();
    Cli.Result r = Cli.run("cache", tmp.resolve("sessions"));
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("inverse index  2 records (a bidirectional cache)"), r.out());
  }

  @Test
  void aDirectoryWrittenBeforeMetaIsLayoutOneAndANewerOneIsRefused() {
    Cache<String, Long> c = persistent("old", String.class, Long.class);
    c.put("a", 1L);
    c.close();
    Path dir = tmp.resolve("old");
    try (Store s = Store.open(dir, Options.defaults().compactionStyle(CompactionStyle.FIFO))) {
      s.delete(DiskTierLayout.META_KEY);
    }
    Cli.Result r = Cli.run("cache", dir);
    assertEquals(0, r.code(), r.toString());
    assertTrue(r.out().contains("cache          unknown (no META record: layout version 1"), r.out());
    assertTrue(r.out().contains("layout         version 1\n"), r.out());
    assertTrue(r.out().contains("key codec      unknown (no META record: shown as escaped bytes)"), r.out());
    assertTrue(r.out().contains("  a => \\x80\\x00\\x00\\x00\\x00\\x00\\x00\\x01\n"), r.out());

    try (Store s = Store.open(dir, Options.defaults().compactionStyle(CompactionStyle.FIFO))) {
      s.put(DiskTierLayout.META_KEY, new byte[] {3, 0, 0, 0});
    }
    r = Cli.run("cache", dir);
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("disk layout version 3, written by a newer Cairn; this tool reads layout versions up"
        + " to 2"), r.err());
  }

  @Test
  void anEngineStoreThatIsNoCacheIsRefused() {
    Path dir = tmp.resolve("plain");
    try (Store s = Store.open(dir, Options.defaults())) {
      s.put("hello".getBytes(StandardCharsets.UTF_8), new byte[1]);
    }
    Cli.Result r = Cli.run("cache", dir);
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("is not a cache's disk directory: it has no META record and 1 keys outside the disk"
        + " tier's key space"), r.err());
  }

  @Test
  void anOpenCacheHoldsItsDirectory() {
    Cache<String, Long> c = persistent("busy", String.class, Long.class);
    c.put("a", 1L);
    Cli.Result r = Cli.run("cache", tmp.resolve("busy"));
    assertEquals(2, r.code(), r.toString());
    assertTrue(r.err().contains("is in use by another open store or process"), r.err());
    c.close();
    assertEquals(0, Cli.run("cache", tmp.resolve("busy")).code());
  }
}
