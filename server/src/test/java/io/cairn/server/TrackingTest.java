package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CLIENT TRACKING in each mode, seen as the pushes and messages a client receives. */
class TrackingTest {
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static RespClient resp3() throws Exception {
    RespClient c = server.client();
    c.call("HELLO", "3");
    return c;
  }

  @Test
  void defaultModeInvalidatesKeysTheClientRead() throws Exception {
    try (RespClient r = resp3(); RespClient w = server.client()) {
      w.call("SET", "d1", "a");
      assertEquals("+OK", r.call("CLIENT", "TRACKING", "ON"));
      assertEquals("$a", r.call("GET", "d1"));
      w.call("SET", "d1", "b");
      assertEquals(">[$invalidate,*[$d1]]", r.read());
      w.call("SET", "d1", "c");
      assertEquals("$c", r.call("GET", "d1"), "no second invalidation until the key is read again");
      w.call("DEL", "d1");
      assertEquals(">[$invalidate,*[$d1]]", r.read());
    }
  }

  @Test
  void ownWritesInvalidateAfterTheReplyUnlessNoloop() throws Exception {
    try (RespClient r = resp3()) {
      r.call("CLIENT", "TRACKING", "ON");
      r.call("GET", "own");
      assertEquals("+OK", r.call("SET", "own", "1"));
      assertEquals(">[$invalidate,*[$own]]", r.read());
      r.call("CLIENT", "TRACKING", "ON", "NOLOOP");
      r.call("GET", "own");
      r.call("SET", "own", "2");
      assertEquals("$2", r.call("GET", "own"), "NOLOOP: no invalidation for the client's own write");
    }
  }

  @Test
  void bcastWithPrefixes() throws Exception {
    try (RespClient r = resp3(); RespClient w = server.client()) {
      assertEquals("+OK", r.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "PREFIX", "cart:"));
      w.call("SET", "other:1", "x");
      w.call("SET", "user:7", "x");
      assertEquals(">[$invalidate,*[$user:7]]", r.read(), "only keys under a registered prefix");
      w.call("INCR", "cart:9");
      assertEquals(">[$invalidate,*[$cart:9]]", r.read());
      assertEquals("-ERR Prefix 'user:x' overlaps with an existing prefix 'user:'. Prefixes for a single client must "
          + "not overlap.", r.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:x"));
    }
  }

  @Test
  void optinAndOptout() throws Exception {
    try (RespClient r = resp3(); RespClient w = server.client()) {
      r.call("CLIENT", "TRACKING", "ON", "OPTIN");
      r.call("GET", "o1");
      r.call("CLIENT", "CACHING", "YES");
      r.call("GET", "o2");
      w.call("SET", "o1", "x");
      w.call("SET", "o2", "x");
      assertEquals(">[$invalidate,*[$o2]]", r.read(), "OPTIN tracks only reads after CLIENT CACHING YES");
      r.call("CLIENT", "TRACKING", "OFF");
      r.call("CLIENT", "TRACKING", "ON", "OPTOUT");
      r.call("CLIENT", "CACHING", "NO");
      r.call("GET", "o3");
      r.call("GET", "o4");
      w.call("SET", "o3", "x");
      w.call("SET", "o4", "x");
      assertEquals(">[$invalidate,*[$o4]]", r.read(), "OPTOUT skips the read after CLIENT CACHING NO");
      assertEquals("-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
          r.call("CLIENT", "CACHING", "YES"));
    }
  }

  @Test
  void cachingYesCoversAWholeTransaction() throws Exception {
    try (RespClient r = resp3(); RespClient w = server.client()) {
      r.call("CLIENT", "TRACKING", "ON", "OPTIN");
      r.call("CLIENT", "CACHING", "YES");
      r.call("MULTI");
      r.call("GET", "t1");
      r.call("GET", "t2");
      assertEquals("*[_,_]", r.call("EXEC"));
      r.call("GET", "t3");
      w.call("MSET", "t1", "x", "t2", "x", "t3", "x");
      assertEquals(">[$invalidate,*[$t1]]", r.read());
      assertEquals(">[$invalidate,*[$t2]]", r.read());
      assertEquals("+PONG", r.call("PING"), "t3, read after the transaction without CACHING YES, is not tracked");
    }
  }

  @Test
  void redirectToResp2SubscriberUsesTheInvalidateChannel() throws Exception {
    try (RespClient sink = server.client(); RespClient r = server.client(); RespClient w = server.client()) {
      String id = sink.call("CLIENT", "ID").substring(1);
      assertEquals("*[$subscribe,$__redis__:invalidate,:1]", sink.call("SUBSCRIBE", "__redis__:invalidate"));
      assertEquals("+OK", r.call("CLIENT", "TRACKING", "ON", "REDIRECT", id));
      assertEquals(":" + id, r.call("CLIENT", "GETREDIR"));
      r.call("GET", "rd");
      w.call("SET", "rd", "1");
      assertEquals("*[$message,$__redis__:invalidate,*[$rd]]", sink.read());
      w.call("FLUSHDB");
      assertEquals("*[$message,$__redis__:invalidate,$nil]", sink.read(), "a flush is a null invalidation");
      assertEquals("-ERR The client ID you want redirect to does not exist",
          r.call("CLIENT", "TRACKING", "ON", "REDIRECT", "999999"));
    }
  }

  @Test
  void expiryInvalidatesWithoutAnyoneTouchingTheKey() throws Exception {
    try (RespClient r = resp3(); RespClient w = server.client()) {
      r.call("CLIENT", "TRACKING", "ON");
      w.call("SET", "ex1", "v", "PX", "300");
      r.call("GET", "ex1");
      assertEquals(">[$invalidate,*[$ex1]]", r.read(), "the expiry timer's EXPIRED event becomes a push");
    }
  }

  @Test
  void flushallSendsNullInvalidation() throws Exception {
    try (RespClient r = resp3(); RespClient w = server.client()) {
      r.call("CLIENT", "TRACKING", "ON");
      r.call("GET", "fa");
      w.call("FLUSHALL");
      assertEquals(">[$invalidate,_]", r.read());
      String info = r.call("CLIENT", "TRACKINGINFO");
      assertTrue(info.startsWith("%{$flags=~[$on],$redirect=:0"), info);
    }
  }
}
