package io.cairn.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A Redis Cluster of three masters and three replicas, six real redis-server processes on loopback, built with
 * CLUSTER MEET, ADDSLOTS and REPLICATE (so it works with the embedded 6.2 binary too, which has no redis-cli). The
 * node timeout is short (1.5 s) so that failovers happen within a test, and full coverage is not required, so the
 * other shards keep serving while one fails over.
 */
final class RedisClusterProcesses implements AutoCloseable {
  static final int NODE_TIMEOUT_MILLIS = 1500;
  final List<RedisProcess> nodes = new ArrayList<>();
  private final RedisClient admin = RedisClient.create();

  static RedisClusterProcesses start() throws Exception {
    RedisClusterProcesses c = new RedisClusterProcesses();
    try {
      for (int i = 0; i < 6; i++) {
        int port = RedisProcess.freePort();
        c.nodes.add(RedisProcess.start(port, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", String.valueOf(NODE_TIMEOUT_MILLIS), "--cluster-require-full-coverage", "no",
            "--cluster-replica-validity-factor", "0"));
      }
      c.build();
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  private final java.util.Map<Integer, StatefulRedisConnection<String, String>> admins =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** An administrative connection to node {@code p} (one per node, kept). */
  RedisCommands<String, String> cmd(RedisProcess p) {
    return admins.computeIfAbsent(p.port, port -> {
      RedisURI uri = RedisURI.create(p.uri());
      uri.setTimeout(Duration.ofSeconds(2));
      return admin.connect(uri);
    }).sync();
  }

  private void build() throws Exception {
    RedisCommands<String, String> first = cmd(nodes.get(0));
    for (int i = 1; i < 6; i++) {
      first.clusterMeet("127.0.0.1", nodes.get(i).port);
    }
    int[][] ranges = {{0, 5460}, {5461, 10922}, {10923, 16383}};
    for (int m = 0; m < 3; m++) {
      cmd(nodes.get(m)).clusterAddSlots(IntStream.rangeClosed(ranges[m][0], ranges[m][1]).toArray());
    }
    await("every node knows the six", () -> nodes.stream().allMatch(n -> cmd(n).clusterNodes().lines()
        .filter(l -> !l.contains("handshake")).count() == 6));
    for (int r = 3; r < 6; r++) {
      String masterId = cmd(nodes.get(r - 3)).clusterMyId();
      int replica = r;
      await("node " + r + " replicates", () -> {
        try {
          cmd(nodes.get(replica)).clusterReplicate(masterId);
          return true;
        } catch (RuntimeException notYetKnown) {
          return false;
        }
      });
    }
    awaitHealthy();
  }

  /** Waits until every live node says cluster_state:ok and each of three masters has a connected replica. */
  void awaitHealthy() throws Exception {
    await("cluster_state:ok everywhere with three replicated masters", () -> {
      int replicated = 0;
      for (RedisProcess n : live()) {
        if (!cmd(n).clusterInfo().contains("cluster_state:ok")) {
          return false;
        }
        String info = cmd(n).info("replication");
        if (info.contains("role:master") && info.contains("connected_slaves:1")) {
          replicated++;
        }
      }
      return replicated == 3;
    });
  }

  List<RedisProcess> live() {
    return nodes.stream().filter(n -> n.process.isAlive()).collect(Collectors.toList());
  }

  /** The live node that is master of the slot of {@code key}. */
  RedisProcess masterOf(byte[] key) {
    int slot = io.lettuce.core.cluster.SlotHash.getSlot(key);
    for (RedisProcess n : live()) {
      try {
        for (String line : cmd(n).clusterNodes().lines().toList()) {
          if (line.contains("myself") && line.contains("master")) {
            for (String part : line.split(" ")) {
              if (part.matches("\\d+-\\d+")) {
                String[] b = part.split("-");
                if (slot >= Integer.parseInt(b[0]) && slot <= Integer.parseInt(b[1])) {
                  return n;
                }
              }
            }
          }
        }
      } catch (RuntimeException stopped) {
        // a stopped node does not answer; another one is the master
      }
    }
    throw new IllegalStateException("no live master for slot " + slot);
  }

  /** The live replica of {@code master}. */
  RedisProcess replicaOf(RedisProcess master) {
    for (RedisProcess n : live()) {
      String info = cmd(n).info("replication");
      if (info.contains("role:slave") && info.contains("master_port:" + master.port + "\r")) {
        return n;
      }
    }
    throw new IllegalStateException("no replica of the master on port " + master.port);
  }

  String seeds() {
    return nodes.stream().map(RedisProcess::uri).collect(Collectors.joining(","));
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static void await(String what, Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (check.ok()) {
          return;
        }
      } catch (Exception e) {
        last = e;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("timed out waiting until " + what, last);
  }

  @Override
  public void close() throws java.io.IOException {
    admin.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    for (RedisProcess n : nodes) {
      n.close();
    }
  }
}
