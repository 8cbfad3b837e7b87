package io.cairn.redis;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A cache manager's {@code remote.*} settings, read and checked once. A bad key or value fails with an
 * {@link IllegalArgumentException} naming {@code remote.<key>=<value>} and what was expected.
 *
 * <pre>
 * remote.prefix=cairn               first part of every key name: prefix:manager:cache:key (manager, cache escaped)
 * remote.cluster=false              the endpoint is a Redis Cluster (implied by a list of seeds)
 * remote.tracking=default           CLIENT TRACKING mode: default (per key read) or bcast (every key of each cache
 *                                   open in this manager, by its key prefix)
 * remote.timeout=5s                 how long a command may take before it fails
 * remote.ping-interval=1s           health check; a failed PING drops every near copy
 * remote.wait-replicas=0            after each write, WAIT for this many replicas (0: no WAIT)
 * remote.wait-timeout=1s            how long such a WAIT may take; fewer acknowledgements fail the write
 * remote.expiry-grace=10s           Redis keeps an entry this long past its expiry, so an access still fires EXPIRED
 * </pre>
 */
record RemoteOptions(String prefix, boolean cluster, Tracking tracking, Duration timeout, Duration pingInterval,
    int waitReplicas, Duration waitTimeout, Duration expiryGrace) {

  /** How Redis tracks what this process holds. */
  enum Tracking {
    /** Redis remembers each key this connection read and notifies on its change. */
    DEFAULT,
    /** Redis notifies every change of a key of a cache open here (by the cache's key prefix), read or not. */
    BCAST
  }

  private static final Map<String, String> DEFAULTS = Map.of("prefix", "cairn", "cluster", "false", "tracking",
      "default", "timeout", "5s", "ping-interval", "1s", "wait-replicas", "0", "wait-timeout", "1s",
      "expiry-grace", "10s");

  static RemoteOptions parse(Map<String, String> given) {
    Map<String, String> all = new TreeMap<>(DEFAULTS);
    for (Map.Entry<String, String> e : given.entrySet()) {
      if (!DEFAULTS.containsKey(e.getKey())) {
        throw new IllegalArgumentException("unknown setting remote." + e.getKey() + "=" + e.getValue()
            + "; remote settings are remote.uri and " + DEFAULTS.keySet().stream().sorted().map(k -> "remote." + k)
            .toList());
      }
      all.put(e.getKey(), e.getValue().trim());
    }
    String prefix = all.get("prefix");
    if (prefix.isEmpty() || prefix.chars().anyMatch(c -> c <= ' ' || c == ':' || c == '{' || c == '}')) {
      throw bad("prefix", prefix, "a non-empty word without spaces, ':', '{' or '}'");
    }
    return new RemoteOptions(prefix, bool(all, "cluster"), tracking(all.get("tracking")), duration(all, "timeout"),
        duration(all, "ping-interval"), count(all, "wait-replicas"), duration(all, "wait-timeout"),
        duration(all, "expiry-grace"));
  }

  private static IllegalArgumentException bad(String key, String value, String expected) {
    return new IllegalArgumentException("setting remote." + key + "=" + value + " is not valid; expected " + expected);
  }

  private static Tracking tracking(String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "default" -> Tracking.DEFAULT;
      case "bcast" -> Tracking.BCAST;
      default -> throw bad("tracking", v, "default or bcast");
    };
  }

  private static boolean bool(Map<String, String> all, String key) {
    return switch (all.get(key).toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw bad(key, all.get(key), "true or false");
    };
  }

  private static int count(Map<String, String> all, String key) {
    try {
      int n = Integer.parseInt(all.get(key));
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(key, all.get(key), "a whole number >= 0");
  }

  /** A positive duration: a number with ms, s, m or h (none: milliseconds). */
  private static Duration duration(Map<String, String> all, String key) {
    String v = all.get(key).toLowerCase(Locale.ROOT);
    try {
      Duration d;
      if (v.endsWith("ms")) {
        d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
      } else if (v.endsWith("s")) {
        d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1).trim()));
      } else if (v.endsWith("m")) {
        d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1).trim()));
      } else if (v.endsWith("h")) {
        d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1).trim()));
      } else {
        d = Duration.ofMillis(Long.parseLong(v.trim()));
      }
      if (!d.isNegative() && !d.isZero()) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(key, all.get(key), "a positive duration such as 500ms, 2s or 1m");
  }
}
