package io.cairn.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The endpoint and the {@code remote.*} options as a user writes them, and the errors a bad one gets. */
class RemoteSettingsTest {
  @Test
  void endpointsOfEachForm() {
    assertTrue(RedisEndpoint.accepts("redis://h:6379"));
    assertTrue(RedisEndpoint.accepts("rediss://user:pw@h:6380/2"));
    assertTrue(RedisEndpoint.accepts("h1:7000, h2:7001,redis://h3:7002"));
    assertFalse(RedisEndpoint.accepts("memcached://h:11211"));
    RedisEndpoint one = RedisEndpoint.parse("rediss://user:pw@h:6380/2", false, Duration.ofSeconds(1));
    assertFalse(one.cluster());
    assertEquals("Redis rediss://h:6380/2", one.describe(), "no password in descriptions");
    RedisEndpoint seeds = RedisEndpoint.parse("h1:7000,h2:7001", false, Duration.ofSeconds(1));
    assertTrue(seeds.cluster(), "a seed list is a Cluster");
    assertEquals(2, seeds.uris().size());
    assertTrue(RedisEndpoint.parse("redis://h:7000", true, Duration.ofSeconds(1)).cluster());
    IllegalArgumentException db = assertThrows(IllegalArgumentException.class,
        () -> RedisEndpoint.parse("redis://a:pw@h1:7000/3,h2:7001", false, Duration.ofSeconds(1)));
    assertTrue(db.getMessage().contains("remote.uri=redis://a:***@h1:7000/3,h2:7001")
        && db.getMessage().contains("database 0"), db.getMessage());
  }

  @Test
  void optionsAndTheirErrors() {
    RemoteOptions d = RemoteOptions.parse(Map.of());
    assertEquals("cairn", d.prefix());
    assertEquals(RemoteOptions.Tracking.DEFAULT, d.tracking());
    assertEquals(Duration.ofSeconds(5), d.timeout());
    assertEquals(0, d.waitReplicas());
    RemoteOptions o = RemoteOptions.parse(Map.of("tracking", "BCAST", "timeout", "250ms", "wait-replicas", "1",
        "expiry-grace", "2m", "prefix", "app"));
    assertEquals(RemoteOptions.Tracking.BCAST, o.tracking());
    assertEquals(Duration.ofMillis(250), o.timeout());
    assertEquals(Duration.ofMinutes(2), o.expiryGrace());
    assertEquals(1, o.waitReplicas());
    assertEquals("app", o.prefix());
    for (Map.Entry<String, String> bad : Map.of("timeout", "soon", "wait-replicas", "-1", "tracking", "sometimes",
        "prefix", "a:b", "cluster", "maybe", "ping-interval", "0s").entrySet()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RemoteOptions.parse(
          Map.of(bad.getKey(), bad.getValue())));
      assertTrue(e.getMessage().contains("remote." + bad.getKey() + "=" + bad.getValue())
          && e.getMessage().contains("expected"), e.getMessage());
    }
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> RemoteOptions.parse(Map.of("timeuot", "1s")));
    assertTrue(unknown.getMessage().contains("remote.timeuot=1s") && unknown.getMessage().contains("remote.timeout"),
        unknown.getMessage());
  }
}
