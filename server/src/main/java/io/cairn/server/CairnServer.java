package io.cairn.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;

/**
 * A running Cairn server: the keyspace (one Cairn cache per database), the shared tables (locks, watches, tracking,
 * pub/sub, users), and the Netty event loops accepting plain and TLS connections. {@link #start} binds;
 * {@link #close} (SHUTDOWN, SIGTERM, or an embedding application) stops accepting, closes every connection, flushes
 * and closes the databases.
 *
 * <p>Thread-safety: the shared tables are thread-safe; {@link #close} runs once.
 */
public final class CairnServer implements AutoCloseable {
  /** The Redis version Cairn answers with (HELLO, INFO); see {@link ConnectionCommands#hello} for why. */
  static final String REDIS_VERSION = "7.4.0";
  static final String CAIRN_VERSION = "0.1.0";

  final ServerConfig config;
  final Keyspace keyspace;
  final KeyLocks locks = new KeyLocks();
  final CommandTable commands = CommandTable.standard();
  final Watches watches = new Watches();
  final Tracking tracking = new Tracking(this);
  final PubSub pubsub = new PubSub();
  final Monitors monitors = new Monitors();
  final SlowLog slowlog;
  final Saves saves;
  final Users users;
  final Limits limits = new Limits(this);
  final ServerStats stats = new ServerStats();
  /**
   * Some database keeps a log (persistent, durability buffered or sync): a pipelined read then opens its event loop's
   * {@link LogBatch}, so the turn's log records reach the OS (or the device) once, before the replies.
   */
  final boolean defersLogs;
  final long startedMillis = System.currentTimeMillis();
  final String runId;
  private final Map<Long, Session> clients = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong();
  private final AtomicInteger connected = new AtomicInteger();
  private final List<Channel> listeners = new ArrayList<>();
  private final ScheduledExecutorService timer;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private volatile boolean closed;
  private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
  private final String transport;

  private CairnServer(ServerConfig config, Keyspace keyspace) {
    this.config = config;
    this.slowlog = new SlowLog(config);
    this.users = new Users(config);
    this.keyspace = keyspace;
    boolean logs = false;
    for (int i = 0; i < keyspace.size(); i++) {
      DatabaseSettings s = keyspace.get(i).settings;
      logs |= s.persistent() && s.durability() != io.cairn.engine.Durability.NONE;
    }
    this.defersLogs = logs;
    this.saves = new Saves(this);
    ImplicitDeletions.registerAll(this);
    byte[] r = new byte[20];
    new java.security.SecureRandom().nextBytes(r);
    this.runId = java.util.HexFormat.of().formatHex(r);
    this.transport = Epoll.isAvailable() ? "epoll" : "nio";
    this.timer = Executors.newSingleThreadScheduledExecutor(t -> {
      Thread th = new Thread(t, "cairn-server-timer");
      th.setDaemon(true);
      return th;
    });
  }

  /**
   * Starts a server as {@code java -jar cairn-server.jar} would: {@code args} is an optional configuration file
   * followed by {@code --setting value...} overrides.
   *
   * @throws IllegalArgumentException naming the setting, when one is bad
   */
  public static CairnServer start(List<String> args) throws InterruptedException {
    java.nio.file.Path file = null;
    List<String> rest = args;
    if (!args.isEmpty() && !args.get(0).startsWith("--")) {
      file = java.nio.file.Path.of(args.get(0));
      rest = args.subList(1, args.size());
    }
    return start(ServerConfig.load(file, rest));
  }

  /** Opens the databases and binds every configured address; fails (closing what it opened) if one cannot. */
  static CairnServer start(ServerConfig config) throws InterruptedException {
    return bound(new CairnServer(config, new Keyspace(config)));
  }

  /** Settings an embedded server refuses: its databases are the application's caches, configured by it. */
  private static final Set<String> STORAGE_SETTINGS = storageSettings();

  private static Set<String> storageSettings() {
    Set<String> s = new java.util.HashSet<>(ServerConfig.DATABASE_SETTINGS);
    s.add("databases");
    s.add("dir");
    return Set.copyOf(s);
  }

  /**
   * Serves an application's own Cairn caches over RESP, embedded in it: database N is {@code caches.get(N)}, keys
   * and values the bytes of each cache's codecs (see {@code ApplicationCache}). {@code args} are {@code --setting
   * value...} as on the command line ({@code --port 0 --bind 127.0.0.1 --requirepass ...}); storage settings
   * ({@code databases}, {@code dir}, {@code heap-entries}, {@code disk-bytes}, {@code persistent}, {@code durability},
   * {@code bidi}, {@code memtable-bytes}, {@code db.N.*}) are refused, since the application configures its caches. {@link #close} stops
   * the server and leaves the caches open.
   *
   * @throws IllegalArgumentException naming the setting or the cache, when one cannot be served
   */
  public static CairnServer serve(List<? extends Cache<?, ?>> caches, List<String> args)
      throws InterruptedException {
    if (caches.isEmpty()) {
      throw new IllegalArgumentException("no cache to serve: an embedded server needs at least one database");
    }
    for (String a : args) {
      String key = a.startsWith("--") ? a.substring(2).toLowerCase(java.util.Locale.ROOT) : "";
      if (STORAGE_SETTINGS.contains(key) || key.startsWith("db.")) {
        throw new IllegalArgumentException("'" + a.substring(2) + "' does not apply to an embedded server: its "
            + "databases are the application's caches, configured where the application creates them");
      }
    }
    ServerConfig config = ServerConfig.load(null, args);
    config.databases = caches.size();
    List<Database> databases = new ArrayList<>();
    for (Cache<?, ?> c : caches) {
      databases.add(new Database(view(c)));
    }
    CairnServer s = bound(new CairnServer(config, new Keyspace(databases)));
    for (int i = 0; i < databases.size(); i++) {
      ApplicationCache<?, ?> app = (ApplicationCache<?, ?>) databases.get(i).cache;
      int number = i;
      app.listenForApplicationWrites(key -> {
        s.watches.touch(number, key);
        s.tracking.invalidate(key, null);
      });
      s.log("database " + i + ": cache '" + app.getName() + "' (" + app.codecs() + ")");
    }
    return s;
  }

  private static <K, V> ApplicationCache<K, V> view(Cache<K, V> cache) {
    return new ApplicationCache<>(cache);
  }

  private static CairnServer bound(CairnServer s) throws InterruptedException {
    try {
      s.bind();
    } catch (RuntimeException | InterruptedException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private void bind() throws InterruptedException {
    int threads = config.ioThreads > 0 ? config.ioThreads : Runtime.getRuntime().availableProcessors();
    boolean epoll = transport.equals("epoll");
    boss = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    workers = new MultiThreadIoEventLoopGroup(threads, epoll ? EpollIoHandler.newFactory()
        : NioIoHandler.newFactory());
    SslContext tls = null;
    if (config.tlsPort != 0) {
      try {
        tls = SslContextBuilder.forServer(config.tlsCertFile.toFile(), config.tlsKeyFile.toFile(),
            config.tlsKeyFilePass).build();
      } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
        throw new IllegalArgumentException("cannot use tls-cert-file " + config.tlsCertFile + " with tls-key-file "
            + config.tlsKeyFile + ": " + e.getMessage(), e);
      }
    }
    for (String addr : config.bind) {
      listeners.add(listen(addr, config.port, null, epoll));
    }
    if (tls != null) {
      for (String addr : config.bind) {
        listeners.add(listen(addr, config.tlsPort, tls, epoll));
      }
    }
    timer.scheduleWithFixedDelay(limits::sweep, 1, 1, TimeUnit.SECONDS);
    timer.scheduleAtFixedRate(stats::sample, 1, 1, TimeUnit.SECONDS);
  }

  private Channel listen(String addr, int port, SslContext tls, boolean epoll) throws InterruptedException {
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, config.tcpBacklog)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 1024 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (tls != null) {
              ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
            }
            ch.pipeline().addLast("resp", new Connection(CairnServer.this));
          }
        });
    try {
      return b.bind(new InetSocketAddress(addr, port)).sync().channel();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot listen on " + addr + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** The port the first plain listener is bound to: the configured one, or the free one chosen for port 0. */
  public int port() {
    return ((InetSocketAddress) listeners.get(0).localAddress()).getPort();
  }

  /** The port the first TLS listener is bound to. */
  public int tlsPort() {
    return ((InetSocketAddress) listeners.get(listeners.size() - 1).localAddress()).getPort();
  }

  String transport() {
    return transport;
  }

  /** A new connection's session, or null if maxclients are connected already. */
  Session register(Channel ch) {
    stats.connectionsReceived.increment();
    if (connected.incrementAndGet() > config.maxclients || closed) {
      connected.decrementAndGet();
      stats.rejectedConnections.increment();
      return null;
    }
    Session s = new Session(this, nextId.incrementAndGet(), ch);
    clients.put(s.id, s);
    return s;
  }

  void unregister(Session s) {
    if (clients.remove(s.id) != null) {
      connected.decrementAndGet();
    }
    s.close();
  }

  Session client(long id) {
    return clients.get(id);
  }

  Collection<Session> sessions() {
    return clients.values();
  }

  int connectedClients() {
    return connected.get();
  }

  void log(String message) {
    System.err.println(java.time.Instant.now() + " cairn-server: " + message);
  }

  /** Waits until the server has closed (SHUTDOWN, or {@link #close} from elsewhere). */
  public void awaitClosed() throws InterruptedException {
    stopped.await();
  }

  /** SHUTDOWN from a client: closes on a thread of its own, since an event loop cannot wait for itself to stop. */
  void shutdownSoon() {
    Thread t = new Thread(this::close, "cairn-server-shutdown");
    t.start();
  }

  /** Stops accepting, closes every connection, then flushes and closes the databases. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    timer.shutdownNow();
    for (Channel l : listeners) {
      l.close().awaitUninterruptibly();
    }
    for (Session s : clients.values()) {
      s.channel.close().awaitUninterruptibly(1000);
    }
    log("closing " + keyspace.size() + " databases");
    if (workers != null) {
      workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    if (boss != null) {
      boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    try {
      keyspace.close();
    } finally {
      stopped.countDown();
    }
  }
}
