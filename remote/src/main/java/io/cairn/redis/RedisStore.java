package io.cairn.redis;

import io.cairn.jcache.spi.Coherence;
import io.cairn.jcache.spi.SharedStore;
import io.cairn.jcache.spi.SharedTier;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.api.sync.RedisKeyCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.pubsub.api.async.RedisPubSubAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.cache.CacheException;

/**
 * One cache manager's connection to Redis or a Redis Cluster, shared by its caches ({@link RedisTier}).
 *
 * <h2>Connections</h2>
 * Standalone: one RESP3 connection carries every command and its invalidation pushes; Cluster: Lettuce's cluster
 * connection routes each command to its slot's master over one connection per node (MOVED/ASK, reconnects, topology
 * refresh are Lettuce's), and the pushes of every node connection reach this store. A second connection subscribes
 * to the caches' event channels. All the JVM's stores share one set of Lettuce threads.
 *
 * <h2>Coherence</h2>
 * CLIENT TRACKING is switched on (NOLOOP) on each data connection: the standalone one, or every master's in a
 * Cluster. With {@code remote.tracking=bcast} each connection tracks the key prefix of every cache open in this
 * manager ({@link RedisTier#keyPrefix}): a cache's prefix is added on every connection as the cache opens, and the
 * cache keeps no near copy until every connection has confirmed it; Redis cannot take one prefix back, so a closed
 * cache's stays until the connection is tracked anew (a reconnect: OFF, then ON with the open caches' prefixes).
 * Escaped names keep the prefixes of two caches from overlapping, which Redis refuses. An invalidation push names
 * keys, which go to the tier whose prefix they carry; a null one (FLUSHALL, FLUSHDB) goes to every tier as
 * {@link Coherence#invalidatedAll}. A data connection that disconnects or reconnects makes every tier unready
 * ({@link Coherence#ready}(false): every near copy is dropped and nothing read is kept) until tracking is on again on
 * it; a topology change or a failed periodic PING drops every near copy too. These callbacks run on Lettuce's I/O
 * threads and only bump counters in the caches.
 *
 * <p>Thread-safety: tiers live in a copy-on-write list; {@link #known} and {@link #untracked} are concurrent sets;
 * readiness changes go through {@link #markUntracked} and {@link #markTracked}.
 */
final class RedisStore implements SharedStore {
  private static final System.Logger LOG = System.getLogger(RedisStore.class.getName());

  /** Lettuce's event loops, shared by every store of the JVM (daemon threads, never shut down). */
  private static final class Resources {
    static final ClientResources SHARED = DefaultClientResources.builder().ioThreadPoolSize(2)
        .computationThreadPoolSize(2).build();
  }

  /** Health checks and listener-registry refreshes of every store. */
  static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "cairn-redis-timer");
    t.setDaemon(true);
    return t;
  });

  final RedisEndpoint endpoint;
  final RemoteOptions options;
  final String namespace;
  private final RedisClient client;
  private final RedisClusterClient clusterClient;
  private final StatefulRedisConnection<byte[], byte[]> standalone;
  private final StatefulRedisClusterConnection<byte[], byte[]> cluster;
  private final StatefulRedisPubSubConnection<byte[], byte[]> pubsub;
  private final CopyOnWriteArrayList<RedisTier> tiers = new CopyOnWriteArrayList<>();
  /** BCAST: the key prefixes sent to each known data connection since its tracking was last switched on. */
  private final Map<StatefulRedisConnection<?, ?>, Set<String>> prefixesOn = new ConcurrentHashMap<>();
  /** BCAST: for each tier, the connections that have not confirmed its prefix yet (it is not ready before). */
  private final Map<RedisTier, Set<StatefulRedisConnection<?, ?>>> awaitingPrefix = new ConcurrentHashMap<>();
  /** Test seam: sees every key an invalidation push names, with the store that received it. */
  static volatile java.util.function.BiConsumer<RedisStore, byte[]> onInvalidatedKey;
  /** Data connections whose tracking this store manages. */
  private final Set<StatefulRedisConnection<?, ?>> known = ConcurrentHashMap.newKeySet();
  /** Known data connections that are down, or up without tracking confirmed yet. */
  private final Set<StatefulRedisConnection<?, ?>> untracked = ConcurrentHashMap.newKeySet();
  private volatile boolean ready;
  private final ScheduledFuture<?> health;
  private final reactor.core.Disposable topologyEvents;
  private volatile boolean closed;
  /** Watches each known data connection's disconnects and reconnects. */
  private final RedisConnectionStateListener states;

  RedisStore(RedisEndpoint endpoint, RemoteOptions options, String namespace) {
    this.endpoint = endpoint;
    this.options = options;
    this.namespace = namespace;
    TimeoutOptions timeouts = TimeoutOptions.enabled(options.timeout());
    this.states = new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
        if (connection instanceof StatefulRedisConnection<?, ?> c && known.contains(c)) {
          markUntracked(c);
          enableTracking(c);
        }
      }

      @Override
      public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        if (connection instanceof StatefulRedisConnection<?, ?> c && known.contains(c)) {
          if (!((RedisChannelHandler<?, ?>) connection).isClosed()) {
            markUntracked(c);
          } else {
            known.remove(c);
            forget(c);
            markTracked(c);
          }
        }
      }
    };
    if (endpoint.cluster()) {
      client = null;
      clusterClient = RedisClusterClient.create(Resources.SHARED, endpoint.uris());
      clusterClient.setOptions(ClusterClientOptions.builder().protocolVersion(ProtocolVersion.RESP3)
          .timeoutOptions(timeouts).autoReconnect(true)
          .topologyRefreshOptions(refreshOptions()).build());
    } else {
      clusterClient = null;
      client = RedisClient.create(Resources.SHARED, endpoint.uris().get(0));
      client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).timeoutOptions(timeouts)
          .autoReconnect(true).build());
    }
    StatefulRedisConnection<byte[], byte[]> one = null;
    StatefulRedisClusterConnection<byte[], byte[]> many = null;
    StatefulRedisPubSubConnection<byte[], byte[]> sub;
    try {
      if (clusterClient != null) {
        many = clusterClient.connect(ByteArrayCodec.INSTANCE);
        many.addListener((RedisClusterNode node, PushMessage m) -> onPush(m));
        sub = clusterClient.connectPubSub(ByteArrayCodec.INSTANCE);
      } else {
        one = client.connect(ByteArrayCodec.INSTANCE);
        one.addListener(this::onPush);
        sub = client.connectPubSub(ByteArrayCodec.INSTANCE);
      }
    } catch (RuntimeException e) {
      shutdownClients();
      throw new CacheException("cannot connect to " + endpoint.describe() + ": " + e.getMessage(), e);
    }
    standalone = one;
    cluster = many;
    pubsub = sub;
    try {
      if (cluster != null) {
        topologyEvents = Resources.SHARED.eventBus().get().subscribe(e -> {
          if (e instanceof ClusterTopologyChangedEvent && !closed) {
            invalidateAll();
            TIMER.execute(this::trackMasters);
          }
        });
        trackMasters();
      } else {
        topologyEvents = null;
        known.add(standalone);
        ((RedisChannelHandler<?, ?>) standalone).addListener(states);
        markUntracked(standalone);
        enableTracking(standalone).get(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (Exception e) {
      shutdownClients();
      throw new CacheException("cannot switch on CLIENT TRACKING at " + endpoint.describe() + ": " + e.getMessage(), e);
    }
    pubsub.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(byte[] channel, byte[] message) {
        String ch = new String(channel, StandardCharsets.UTF_8);
        for (RedisTier t : tiers) {
          if (t.channel.equals(ch)) {
            t.coherence.event(message);
          }
        }
      }
    });
    long ping = options.pingInterval().toMillis();
    health = TIMER.scheduleWithFixedDelay(this::ping, ping, ping, TimeUnit.MILLISECONDS);
  }

  /**
   * A Cluster's topology is read again every 5 s and at once on a MOVED or ASK redirect, a persistent reconnect, an
   * uncovered slot or an unknown node, so a failover moves the tier's writes and tracking to the new master quickly.
   * Lettuce 7 marks its adaptive-trigger switches deprecated without a replacement yet; they still do this.
   */
  @SuppressWarnings("deprecation")
  private static ClusterTopologyRefreshOptions refreshOptions() {
    return ClusterTopologyRefreshOptions.builder().enablePeriodicRefresh(Duration.ofSeconds(5))
        .enableAllAdaptiveRefreshTriggers().build();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Tracking and readiness

  private boolean bcast() {
    return options.tracking() == RemoteOptions.Tracking.BCAST;
  }

  /**
   * Switches tracking on for {@code c}, new or reconnected or found untracked: default mode at once; BCAST first off
   * (whatever prefixes Redis still holds for it), then on with the prefixes of the caches open now, so no prefix is
   * sent twice (Redis refuses overlapping ones). The connection is in {@link #untracked} until Redis confirms.
   */
  private CompletableFuture<String> enableTracking(StatefulRedisConnection<?, ?> c) {
    CompletableFuture<String> on;
    Set<String> confirmed;
    if (!bcast()) {
      confirmed = Set.of();
      on = c.async().clientTracking(TrackingArgs.Builder.enabled().noloop()).toCompletableFuture();
    } else {
      synchronized (this) {
        Set<String> sent = ConcurrentHashMap.newKeySet();
        for (RedisTier t : tiers) {
          sent.add(t.keyPrefix);
        }
        prefixesOn.put(c, sent);
        CompletableFuture<String> off = c.async().clientTracking(TrackingArgs.Builder.enabled(false))
            .toCompletableFuture();
        on = sent.isEmpty() ? off : c.async().clientTracking(TrackingArgs.Builder.enabled().bcast().noloop()
            .prefixes(StandardCharsets.UTF_8, sent.toArray(String[]::new))).toCompletableFuture();
        on = off.thenCombine(on, (a, b) -> "OK".equals(a) ? b : a);
        confirmed = Set.copyOf(sent);
      }
    }
    return on.whenComplete((ok, e) -> {
      if (e == null && "OK".equals(ok)) {
        synchronized (this) {
          for (Map.Entry<RedisTier, Set<StatefulRedisConnection<?, ?>>> w : awaitingPrefix.entrySet()) {
            if (confirmed.contains(w.getKey().keyPrefix)) {
              w.getValue().remove(c);
            }
          }
        }
        markTracked(c);
      } else {
        LOG.log(System.Logger.Level.WARNING, "CLIENT TRACKING on " + endpoint.describe() + " failed (near copies stay"
            + " off until the next health check re-enables it): " + (e != null ? e : ok));
      }
    });
  }

  /**
   * BCAST, as tier {@code t} opens (this store's lock held): its prefix is sent to every known connection that does
   * not track it yet; {@code t} is ready once all have confirmed. A refusal makes the connection untracked, and the
   * next health check tracks it anew.
   */
  private void addPrefix(RedisTier t) {
    Set<StatefulRedisConnection<?, ?>> waiting = ConcurrentHashMap.newKeySet();
    awaitingPrefix.put(t, waiting);
    for (StatefulRedisConnection<?, ?> c : known) {
      if (!prefixesOn.computeIfAbsent(c, x -> ConcurrentHashMap.newKeySet()).add(t.keyPrefix)) {
        continue;
      }
      waiting.add(c);
      c.async().clientTracking(TrackingArgs.Builder.enabled().bcast().noloop()
          .prefixes(StandardCharsets.UTF_8, t.keyPrefix)).toCompletableFuture().whenComplete((ok, e) -> {
            if (e == null && "OK".equals(ok)) {
              synchronized (this) {
                if (waiting.remove(c) && waiting.isEmpty() && tiers.contains(t)) {
                  t.coherence.ready(ready);
                }
              }
            } else {
              LOG.log(System.Logger.Level.WARNING, "CLIENT TRACKING BCAST PREFIX " + t.keyPrefix + " on "
                  + endpoint.describe() + " failed (near copies stay off until the next health check tracks the"
                  + " connection anew): " + (e != null ? e : ok));
              markUntracked(c);
            }
          });
    }
  }

  /** Cluster: every master's connection is known and tracked (new masters after a failover included). */
  private void trackMasters() {
    if (closed) {
      return;
    }
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (RedisClusterNode node : cluster.getPartitions()) {
      if (!node.is(RedisClusterNode.NodeFlag.UPSTREAM) || node.is(RedisClusterNode.NodeFlag.FAIL)) {
        continue;
      }
      // By host and port: Lettuce routes slot commands over the connection it keys by host and port, not by node id.
      pending.add(cluster.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort()).thenCompose(c -> {
        if (known.add(c)) {
          ((RedisChannelHandler<?, ?>) c).addListener(states);
          markUntracked(c);
          return enableTracking(c);
        }
        return CompletableFuture.completedFuture("OK");
      }).exceptionally(e -> {
        LOG.log(System.Logger.Level.DEBUG, "no connection to " + node.getUri() + " yet: " + e);
        return null;
      }));
    }
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(options.timeout().toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.log(System.Logger.Level.DEBUG, "tracking the masters of " + endpoint.describe() + ": " + e);
    }
  }

  /** A closed connection: no tier waits for it. */
  private synchronized void forget(StatefulRedisConnection<?, ?> c) {
    prefixesOn.remove(c);
    for (Set<StatefulRedisConnection<?, ?>> waiting : awaitingPrefix.values()) {
      waiting.remove(c);
    }
  }

  private void markUntracked(StatefulRedisConnection<?, ?> c) {
    untracked.add(c);
    setReady(false);
  }

  private void markTracked(StatefulRedisConnection<?, ?> c) {
    untracked.remove(c);
    if (untracked.isEmpty() && !known.isEmpty()) {
      setReady(true);
    }
  }

  private synchronized void setReady(boolean r) {
    ready = r;
    for (RedisTier t : tiers) {
      t.coherence.ready(r && prefixConfirmed(t));
    }
  }

  /** Whether every connection tracks {@code t}'s prefix (always, in default mode). */
  private boolean prefixConfirmed(RedisTier t) {
    Set<StatefulRedisConnection<?, ?>> waiting = awaitingPrefix.get(t);
    return waiting == null || waiting.isEmpty();
  }

  private void invalidateAll() {
    for (RedisTier t : tiers) {
      t.coherence.invalidatedAll();
    }
  }

  /** On an I/O thread: an invalidation push names changed keys, or (null) everything. */
  private void onPush(PushMessage m) {
    if (!"invalidate".equals(m.getType())) {
      return;
    }
    List<Object> content = m.getContent(RedisStore::bytes);
    Object keys = content.size() > 1 ? content.get(1) : null;
    if (!(keys instanceof List<?> list)) {
      invalidateAll();
      return;
    }
    java.util.function.BiConsumer<RedisStore, byte[]> hook = onInvalidatedKey;
    for (Object k : list) {
      if (k instanceof byte[] key) {
        if (hook != null) {
          hook.accept(this, key);
        }
        for (RedisTier t : tiers) {
          t.invalidated(key);
        }
      }
    }
  }

  private static Object bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  /** The periodic health check: a PING of each data connection; a failure drops every near copy. */
  private void ping() {
    if (closed) {
      return;
    }
    List<StatefulRedisConnection<?, ?>> connections = new ArrayList<>(known);
    List<CompletableFuture<String>> pings = new ArrayList<>();
    for (StatefulRedisConnection<?, ?> c : connections) {
      pings.add(c.async().ping().toCompletableFuture().orTimeout(options.pingInterval().toMillis(),
          TimeUnit.MILLISECONDS));
      if (untracked.contains(c) && c.isOpen()) {
        // A reconnect whose CLIENT TRACKING failed, or a connection the topology refresh found down: try again.
        enableTracking(c);
      }
    }
    CompletableFuture.allOf(pings.toArray(CompletableFuture[]::new)).whenComplete((ok, e) -> {
      if (e != null && !closed) {
        invalidateAll();
      }
    });
    for (RedisTier t : tiers) {
      t.refreshListeners();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // For tiers

  /** The commands every tier sends (routed by slot on a Cluster). */
  RedisClusterAsyncCommands<byte[], byte[]> commands() {
    return cluster != null ? cluster.async() : standalone.async();
  }

  /** The data connection (Cluster: the routing one), for commands dispatched together. */
  io.lettuce.core.api.StatefulConnection<byte[], byte[]> connection() {
    return cluster != null ? cluster : standalone;
  }

  /** Blocking key commands, for scans. */
  RedisKeyCommands<byte[], byte[]> keyCommands() {
    return cluster != null ? cluster.sync() : standalone.sync();
  }

  RedisPubSubAsyncCommands<byte[], byte[]> pubsub() {
    return pubsub.async();
  }

  /**
   * After a write of {@code key}: WAIT on the connection that wrote it for {@code remote.wait-replicas} replicas;
   * fewer acknowledgements within {@code remote.wait-timeout} fail the write.
   */
  CompletableFuture<Long> waitForReplicas(byte[] key) {
    long timeout = options.waitTimeout().toMillis();
    if (cluster == null) {
      return standalone.async().waitForReplication(options.waitReplicas(), timeout).toCompletableFuture();
    }
    RedisClusterNode node = cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
    return cluster.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort())
        .thenCompose(c -> c.async().waitForReplication(options.waitReplicas(), timeout).toCompletableFuture());
  }

  @Override
  public SharedTier open(String cacheName, boolean oneSlot, Coherence coherence) {
    if (closed) {
      throw new IllegalStateException("the connection to " + endpoint.describe() + " is closed");
    }
    RedisTier t = new RedisTier(this, cacheName, oneSlot, coherence);
    synchronized (this) {
      tiers.add(t);
      if (bcast()) {
        addPrefix(t);
      }
      coherence.ready(ready && prefixConfirmed(t));
    }
    return t;
  }

  synchronized void closed(RedisTier t) {
    tiers.remove(t);
    awaitingPrefix.remove(t);
  }

  @Override
  public String describe() {
    return endpoint.describe();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    health.cancel(false);
    if (topologyEvents != null) {
      topologyEvents.dispose();
    }
    setReady(false);
    shutdownClients();
  }

  private void shutdownClients() {
    if (client != null) {
      client.shutdown(0, 2, TimeUnit.SECONDS);
    }
    if (clusterClient != null) {
      clusterClient.shutdown(0, 2, TimeUnit.SECONDS);
    }
  }
}
