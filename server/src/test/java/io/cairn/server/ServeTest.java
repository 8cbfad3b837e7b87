package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.jcache.TestManagers;
import io.cairn.jcache.CairnCache;
import io.cairn.jcache.CairnConfiguration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import org.junit.jupiter.api.Test;

/**
 * {@link CairnServer#serve}: an application's own caches as databases, through their codecs. A String cache and a
 * byte[] cache are read and written by clients and by the application alike; a client's write fires the
 * application's listeners; TTLs are entry expiries; closing the server leaves the caches open and working.
 */
@SuppressWarnings({"unchecked", "rawtypes"}) // unwrap(Class) and getConfiguration(Class) give raw Cairn types
class ServeTest {
  /** Created events the application sees, as "key=value". */
  static final List<String> CREATED = new CopyOnWriteArrayList<>();

  public static final class Created implements CacheEntryCreatedListener<String, String> {
    @Override
    public void onCreated(Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
      for (CacheEntryEvent<? extends String, ? extends String> e : events) {
        CREATED.add(e.getKey() + "=" + e.getValue());
      }
    }
  }

  @Test
  void clientsAndTheApplicationShareItsCaches() throws Exception {
    CacheManager m = TestManagers.open("serve-test");
    try {
      Cache<String, String> text = m.createCache("text", new CairnConfiguration<String, String>()
          .setTypes(String.class, String.class).setHeapEntries(10L));
      text.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
          FactoryBuilder.factoryOf(Created.class), null, false, true));
      Cache<String, byte[]> blobs = m.createCache("blobs", new CairnConfiguration<String, byte[]>()
          .setTypes(String.class, byte[].class));
      CairnServer server = CairnServer.serve(List.of(text, blobs), List.of("--port", "0"));
      try (RespClient c = new RespClient("127.0.0.1", server.port())) {
        text.put("greeting", "héllo");
        String utf8 = new String("héllo".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        assertEquals("$" + utf8, c.call("GET", "greeting"), "a String value is its UTF-8 bytes");
        assertEquals(":6", c.call("STRLEN", "greeting"));
        assertEquals("+OK", c.call("SET", "from-client", "v", "PX", "60000"));
        assertEquals("v", text.get("from-client"));
        assertTrue(CREATED.contains("from-client=v"), "the application's listener saw the client's write");
        long expiry = text.unwrap(CairnCache.class).getExpiry("from-client");
        assertTrue(expiry > System.currentTimeMillis() && expiry <= System.currentTimeMillis() + 60_000,
            "PX is the entry's expiry in the application's cache");
        assertEquals(":1", c.call("INCR", "n"));
        assertEquals("1", text.get("n"), "INCR writes the number's text");
        for (int i = 0; i < 100; i++) {
          text.put("k" + i, "v" + i);
        }
        assertEquals(":103", c.call("DBSIZE"), "keys the 10-entry heap moved to disk are counted");
        assertEquals(":1", c.call("EXISTS", "k0"));
        assertEquals("+OK", c.call("SELECT", "1"));
        blobs.put("raw", new byte[] {0, (byte) 0xff, 7});
        assertEquals("$\u0000\u00ff\u0007", c.call("GET", "raw"), "a byte[] cache's values are the bytes as they are");
        assertEquals(":4", c.call("APPEND", "raw", "!"));
        assertArrayEquals(new byte[] {0, (byte) 0xff, 7, '!'}, blobs.get("raw"));
        assertEquals("-ERR SWAPDB is not available: the databases are the application's caches",
            c.call("SWAPDB", "0", "1"));
      }
      server.close();
      assertFalse(text.isClosed(), "the application's cache stays open");
      text.put("after", "close");
      assertEquals("close", text.get("after"));
      assertEquals("héllo", text.get("greeting"));
    } finally {
      m.close();
    }
  }

  @Test
  void theApplicationsOwnWritesInvalidateTrackedKeysAndFailWatchingTransactions() throws Exception {
    CacheManager m = TestManagers.open("serve-test");
    try {
      Cache<String, String> text = m.createCache("text", new CairnConfiguration<String, String>()
          .setTypes(String.class, String.class));
      text.put("tracked", "1");
      text.put("watched", "1");
      CairnServer server = CairnServer.serve(List.of(text), List.of("--port", "0"));
      try (RespClient r = new RespClient("127.0.0.1", server.port());
          RespClient tx = new RespClient("127.0.0.1", server.port())) {
        r.call("HELLO", "3");
        assertEquals("+OK", r.call("CLIENT", "TRACKING", "ON", "NOLOOP"));
        assertEquals("$1", r.call("GET", "tracked"));
        assertEquals("_", r.call("GET", "own"), "RESP3 null: the client now tracks a missing key");
        assertEquals("+OK", r.call("SET", "own", "mine"), "NOLOOP: no invalidation for the client's own write");
        assertEquals("+OK", tx.call("WATCH", "watched"));
        text.put("tracked", "2");
        assertEquals(">[$invalidate,*[$tracked]]", r.read(), "the application's put invalidates the tracked key");
        text.put("watched", "2");
        assertEquals("+OK", tx.call("MULTI"));
        assertEquals("+QUEUED", tx.call("SET", "watched", "3"));
        assertEquals("*nil", tx.call("EXEC"), "the application's write to a watched key fails the transaction");
        assertEquals("2", text.get("watched"));
        assertEquals("$2", r.call("GET", "tracked"));
        text.remove("tracked");
        assertEquals(">[$invalidate,*[$tracked]]", r.read(), "and so does its remove");
      }
      server.close();
      text.put("tracked", "after");
      assertEquals("after", text.get("tracked"), "the listener is gone with the server; the cache works on");
    } finally {
      m.close();
    }
  }

  @Test
  void storageSettingsAndNonCairnCachesAreRefused() throws Exception {
    CacheManager m = TestManagers.open("serve-test");
    try {
      Cache<Object, Object> c = m.createCache("c", new CairnConfiguration<>());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> CairnServer.serve(List.of(c), List.of("--port", "0", "--heap-entries", "5")));
      assertEquals("'heap-entries' does not apply to an embedded server: its databases are the application's "
          + "caches, configured where the application creates them", e.getMessage());
      assertEquals("no cache to serve: an embedded server needs at least one database",
          assertThrows(IllegalArgumentException.class, () -> CairnServer.serve(List.of(), List.of())).getMessage());
    } finally {
      m.close();
    }
  }
}
