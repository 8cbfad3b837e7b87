package io.cairn.redis;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The endpoint a manager's {@code remote.uri} names: one server ({@code redis://[user:pass@]host:port[/db]},
 * {@code rediss://} for TLS) or a Redis Cluster, given as a comma-separated list of seeds (or one seed with
 * {@code remote.cluster=true}). A bad URI fails naming {@code remote.uri} and the value, with its password hidden.
 */
record RedisEndpoint(List<RedisURI> uris, boolean cluster) {

  /** Whether {@code uri} is one: every comma-separated part a redis:// or rediss:// URI, or a bare host:port. */
  static boolean accepts(String uri) {
    for (String part : uri.split(",")) {
      String u = part.trim().toLowerCase(Locale.ROOT);
      if (!u.startsWith("redis://") && !u.startsWith("rediss://") && !u.matches("[^/:@\\s]+:\\d+")) {
        return false;
      }
    }
    return true;
  }

  static RedisEndpoint parse(String uri, boolean cluster, Duration timeout) {
    List<RedisURI> uris = new ArrayList<>();
    for (String part : uri.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      if (!p.contains("://")) {
        p = "redis://" + p;
      }
      try {
        RedisURI r = RedisURI.create(p);
        r.setTimeout(timeout);
        uris.add(r);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("setting remote.uri=" + hidePassword(uri) + " is not valid: " + e.getMessage()
            + "; expected redis://[user:password@]host:port[/db], rediss://..., or a comma-separated Cluster seed list");
      }
    }
    if (uris.isEmpty()) {
      throw new IllegalArgumentException("setting remote.uri=" + uri + " names no server");
    }
    boolean isCluster = cluster || uris.size() > 1;
    if (isCluster && uris.stream().anyMatch(u -> u.getDatabase() != 0)) {
      throw new IllegalArgumentException("setting remote.uri=" + hidePassword(uri) + " is not valid: a Redis Cluster"
          + " has only database 0");
    }
    return new RedisEndpoint(List.copyOf(uris), isCluster);
  }

  /** The URI with any password replaced by {@code ***}, for messages. */
  static String hidePassword(String uri) {
    return uri.replaceAll("://([^:@/]*):[^@/]*@", "://$1:***@");
  }

  /** For messages and logs: the servers, never a password. */
  String describe() {
    return (cluster ? "Redis Cluster " : "Redis ") + uris.stream()
        .map(u -> (u.isSsl() ? "rediss://" : "redis://") + u.getHost() + ":" + u.getPort()
            + (u.getDatabase() != 0 ? "/" + u.getDatabase() : ""))
        .collect(Collectors.joining(","));
  }
}
