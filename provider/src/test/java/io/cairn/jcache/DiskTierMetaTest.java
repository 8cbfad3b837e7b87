package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.Options;
import io.cairn.engine.Store;
import io.cairn.engine.format.Bytes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The META record of a persistent disk tier: written at open, read back by tools, newer layouts refused. */
class DiskTierMetaTest {
  private static final byte[] META_KEY = {(byte) 0xff};

  @TempDir Path dir;
  private CacheManager manager;

  @BeforeEach
  void open() {
    manager = TestManagers.open("meta", dir);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private Cache<String, Long> create(Path storeDir) {
    return manager.createCache("users", new CairnConfiguration<String, Long>().setTypes(String.class, Long.class)
        .setPersistent(true).setDirectory(storeDir));
  }

  private static Store openStore(Path storeDir) {
    return Store.open(storeDir, Options.defaults().compactionStyle(CompactionStyle.FIFO));
  }

  /** The META value: layout version, then length-prefixed UTF-8 strings. */
  private static byte[] meta(long version, String... fields) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[10];
    out.write(buf, 0, Bytes.putVarint(buf, 0, version));
    for (String f : fields) {
      byte[] b = f.getBytes(StandardCharsets.UTF_8);
      out.write(buf, 0, Bytes.putVarint(buf, 0, b.length));
      out.write(b, 0, b.length);
    }
    return out.toByteArray();
  }

  @Test
  void aPersistentStoreRecordsItsNameAndCodecs() {
    Path storeDir = dir.resolve("users");
    Cache<String, Long> c = create(storeDir);
    c.put("bob", 2L);
    c.clear();
    c.close();
    try (Store s = openStore(storeDir)) {
      assertArrayEquals(meta(2, "users", "String", "Long"), s.get(META_KEY), "clear() keeps the META record");
    }
  }

  @Test
  void aDirectoryWithoutMetaOpensAndGetsOne() {
    Path storeDir = dir.resolve("users");
    create(storeDir).put("alice", 1L);
    manager.getCache("users", String.class, Long.class).close();
    try (Store s = openStore(storeDir)) {
      s.delete(META_KEY);
    }
    Cache<String, Long> c = create(storeDir);
    assertEquals(1L, c.get("alice"), "a version 1 directory keeps its entries");
    c.close();
    try (Store s = openStore(storeDir)) {
      assertArrayEquals(meta(2, "users", "String", "Long"), s.get(META_KEY));
    }
  }

  @Test
  void aNewerLayoutIsRefusedAndLeftAsItWas() {
    Path storeDir = dir.resolve("users");
    create(storeDir).put("alice", 1L);
    manager.getCache("users", String.class, Long.class).close();
    byte[] newer = meta(3, "users", "String", "Long", "something version 3 adds");
    try (Store s = openStore(storeDir)) {
      s.put(META_KEY, newer);
    }
    CacheException e = assertThrows(CacheException.class, () -> create(storeDir));
    assertTrue(e.getMessage().contains("layout version 3") && e.getMessage().contains("newer Cairn")
        && e.getMessage().contains("up to 2"), e.getMessage());
    assertNull(manager.getCache("users"));
    try (Store s = openStore(storeDir)) {
      assertArrayEquals(newer, s.get(META_KEY), "the refused directory is not rewritten");
      assertNotNull(s.get(new byte[] {0, 'a', 'l', 'i', 'c', 'e'}));
    }
  }
}
