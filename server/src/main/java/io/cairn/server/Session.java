package io.cairn.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.StampedLock;

/**
 * One client connection's state and the command dispatcher: lookup, arity, authentication, MULTI queueing, the RESP2
 * subscribed-mode rule, and the isolation each command runs under (see {@link KeyLocks}). Replies are appended to one
 * output buffer and written once per read ({@link #flush}).
 *
 * <p>Thread-safety: a session is driven by its channel's event loop; other threads reach it only through
 * {@link #deliver} (which hops onto that loop) and by reading the volatile fields that CLIENT LIST, INFO,
 * invalidation and pub/sub routing need.
 */
final class Session {
  final CairnServer server;
  final long id;
  final Channel channel;
  final long createdMillis;
  volatile long lastInteractionMillis;
  volatile String name = "";
  volatile String libName = "";
  volatile String libVersion = "";
  volatile int dbIndex;
  volatile int proto = 2;
  volatile String user = "default";
  volatile boolean authenticated;
  volatile String lastCommand = "NULL";
  volatile boolean closed;
  final Transaction tx = new Transaction();
  final TrackingState tracking = new TrackingState();
  final Subscriptions subscriptions = new Subscriptions();
  /** CLIENT NO-EVICT and NO-TOUCH: accepted and reported; Cairn never evicts clients and reads never reorder tiers. */
  volatile boolean noEvict;
  volatile boolean noTouch;

  private ByteBuf out;
  /** Set while a command runs: a push for this session then waits until its reply is written. */
  private boolean executing;
  private List<byte[]> afterReply;
  private boolean flushScheduled;
  /** True while a transaction runs under its exclusive stripes: commands must not lock again. */
  boolean locked;
  /** Close once the replies written so far are flushed (QUIT, protocol errors, a killed client). */
  boolean closeAfterReply;
  /** Its replies wait for its event loop's {@link LogBatch}: {@link #flush} leaves them until the batch ends. */
  boolean held;
  /**
   * A {@link Key} already built for one argument of the request running: by the connection for its second argument
   * (looked up ahead with its batch), or for locking a single-key command; reused by the locking and the handler.
   */
  private byte[] lockedArg;
  private Key lockedKey;
  final ScanCursors scans = new ScanCursors();
  /**
   * System.nanoTime when the current read's processing began or its previous command ended: where the next command's
   * time starts (one clock read per command for SLOWLOG). Confined to the event loop.
   */
  long clock = System.nanoTime();
  /** When this session's pending output first passed its soft limit (0: it has not); written on its event loop. */
  volatile long softLimitSinceMillis;

  Session(CairnServer server, long id, Channel channel) {
    this.server = server;
    this.id = id;
    this.channel = channel;
    this.createdMillis = System.currentTimeMillis();
    this.lastInteractionMillis = createdMillis;
    this.authenticated = !server.users.authRequired();
  }

  static String latin1(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  /** An argument as Redis quotes it in an error: as a C string, so up to its first NUL byte. */
  static String cstr(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        return new String(b, 0, i, StandardCharsets.ISO_8859_1);
      }
    }
    return latin1(b);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Output

  /** The buffer replies are appended to until the next flush. */
  ByteBuf out() {
    ByteBuf b = out;
    if (b == null) {
      b = channel.alloc().ioBuffer(512);
      out = b;
    }
    return b;
  }

  /** Bytes appended but not yet handed to the channel. */
  int buffered() {
    return out == null ? 0 : out.readableBytes();
  }

  void error(String message) {
    server.stats.errorReplies.increment();
    Reply.error(out(), message);
  }

  /** Hands what the replies wrote to the channel, closing it afterwards if {@link #closeAfterReply}. */
  void flush() {
    if (held) {
      return;
    }
    ByteBuf b = out;
    out = null;
    if (b != null && b.isReadable()) {
      server.stats.outputBytes.add(b.readableBytes());
      if (closeAfterReply) {
        channel.writeAndFlush(b).addListener(ChannelFutureListener.CLOSE);
        return;
      }
      channel.writeAndFlush(b, channel.voidPromise());
    } else {
      if (b != null) {
        b.release();
      }
      if (closeAfterReply) {
        channel.close();
      }
    }
  }

  /** Bytes waiting to be sent: appended replies plus what the channel has not written to the socket yet. */
  long pendingOutputBytes() {
    io.netty.channel.ChannelOutboundBuffer ob = channel.unsafe().outboundBuffer();
    return buffered() + (ob == null ? 0 : ob.totalPendingWriteBytes());
  }

  /**
   * Sends an out-of-band message (pub/sub message, invalidation) from any thread. A message for the session that is
   * running the command which caused it goes out with that command's reply: before it ({@code beforeReply}, as
   * Redis does for a message published to the publisher), or after it (invalidations).
   */
  void deliver(byte[] message, boolean beforeReply) {
    if (channel.eventLoop().inEventLoop()) {
      deliverHere(message, beforeReply);
    } else {
      channel.eventLoop().execute(() -> deliverHere(message, beforeReply));
    }
  }

  private void deliverHere(byte[] message, boolean beforeReply) {
    if (closed) {
      return;
    }
    if (executing && !beforeReply) {
      if (afterReply == null) {
        afterReply = new ArrayList<>();
      }
      afterReply.add(message);
      return;
    }
    out().writeBytes(message);
    LogBatch batch = LogBatch.openOnLoop(server);
    if (batch != null) {
      // A push caused by a write of the open batch (an invalidation, a MONITOR line) waits for its log write too.
      batch.hold(this, channel.eventLoop());
    } else if (!executing && !flushScheduled) {
      flushScheduled = true;
      channel.eventLoop().execute(this::scheduledFlush);
    }
    server.limits.checkOutput(this);
  }

  private void scheduledFlush() {
    flushScheduled = false;
    if (!closed) {
      flush();
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Dispatch

  Database db() {
    return server.keyspace.get(dbIndex);
  }

  /** The key at {@code argv[i]}: the one built already when it is that argument, else a new one. */
  Key key(byte[][] argv, int i) {
    byte[] a = argv[i];
    if (a == lockedArg) {
      return lockedKey;
    }
    return new Key(a);
  }

  /**
   * Runs one request (an empty one does nothing, as in Redis); {@code second}, if not null, is the {@link Key} of
   * {@code argv[1]}, built already.
   */
  void execute(byte[][] argv, Key second) {
    if (argv.length == 0) {
      return;
    }
    if (second != null) {
      lockedArg = argv[1];
      lockedKey = second;
    }
    executing = true;
    ByteBuf b = out();
    int mark = b.writerIndex();
    try {
      dispatch(argv);
    } catch (RuntimeException e) {
      // A command that failed half-way through its reply (a disk-tier error, say) leaves no partial reply behind.
      b.writerIndex(mark);
      if (e instanceof IllegalArgumentException && db().bidi != null) {
        // The provider's refusal names its Java API; say it in the server's terms.
        error("ERR value already held by another key in bidirectional database " + dbIndex
            + " (CAIRN.GETKEY <value> names it)");
      } else {
        error(Errors.of(e));
      }
    } finally {
      executing = false;
      lockedArg = null;
      lockedKey = null;
    }
    List<byte[]> after = afterReply;
    if (after != null) {
      afterReply = null;
      for (byte[] m : after) {
        b.writeBytes(m);
      }
    }
  }

  private void dispatch(byte[][] argv) {
    Command cmd = server.commands.lookup(argv[0]);
    if (cmd == null) {
      reject(Errors.unknownCommand(argv));
      return;
    }
    if (cmd.subcommands != null && argv.length >= 2) {
      Command sub = cmd.subcommands.get(latin1(argv[1]).toLowerCase(java.util.Locale.ROOT));
      if (sub == null) {
        reject(Errors.unknownSubcommand(argv[1], cmd.name.toUpperCase(java.util.Locale.ROOT)));
        return;
      }
      cmd = sub;
    }
    if (!cmd.arityOk(argv.length)) {
      reject(Errors.arity(cmd.fullName));
      return;
    }
    if (!authenticated && !cmd.is(Command.NO_AUTH)) {
      reject(Errors.NOAUTH);
      return;
    }
    if (proto == 2 && subscriptions.count() > 0 && !cmd.is(Command.IN_SUBSCRIBED)) {
      reject("ERR Can't execute '" + cmd.fullName + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
          + "RESET are allowed in this context");
      return;
    }
    if (tx.active && !cmd.is(Command.NOT_QUEUED)) {
      tx.queue(cmd, argv);
      Reply.queued(out());
      return;
    }
    call(cmd, argv);
  }

  /** A command refused before it ran: inside MULTI it also dooms the transaction (EXECABORT). */
  private void reject(String message) {
    if (tx.active) {
      tx.failed = true;
    }
    error(message);
  }

  /** Runs {@code cmd} under the isolation its keys need; in a transaction's exclusive hold, as it is. */
  void call(Command cmd, byte[][] argv) {
    cmd.calls.increment();
    lastCommand = cmd.fullName;
    int keys = cmd.keyCount(argv.length);
    if (keys > 0 && cmd.is(Command.READONLY)) {
      server.tracking.remember(this, cmd, argv, keys);
    }
    long start = clock;
    try {
      run(cmd, argv, keys);
    } finally {
      long end = System.nanoTime();
      clock = end;
      server.slowlog.ran(this, cmd, argv, (end - start) / 1000);
      if (server.monitors.any()) {
        server.monitors.feed(this, cmd, dbIndex, argv);
      }
    }
    // CLIENT CACHING covers the next command, or the whole transaction (queued, then run under EXEC's hold).
    tracking.commandDone(tx.active || locked || cmd.handler == ClientCommand.CACHING);
  }

  /** {@link #call}'s locking: none, the key's stripe, the stripes of every key, or all of them. */
  private void run(Command cmd, byte[][] argv, int keys) {
    if (locked || (keys == 0 && !cmd.is(Command.WHOLE_KEYSPACE))) {
      cmd.handler.run(this, argv);
    } else if (cmd.is(Command.WHOLE_KEYSPACE)) {
      int[] all = KeyLocks.all();
      long[] stamps = server.locks.lockAll(all);
      locked = true;
      try {
        cmd.handler.run(this, argv);
      } finally {
        locked = false;
        server.locks.unlockAll(all, stamps);
      }
    } else if (keys == 1 && !cmd.is(Command.EXCLUSIVE)) {
      byte[] arg = argv[cmd.firstKey];
      Key key = key(argv, cmd.firstKey);
      lockedArg = arg;
      lockedKey = key;
      StampedLock stripe = server.locks.stripe(key);
      if (cmd.is(Command.READONLY)) {
        readOptimistically(cmd, argv, stripe);
      } else {
        long stamp = stripe.readLock();
        try {
          cmd.handler.run(this, argv);
        } finally {
          stripe.unlockRead(stamp);
        }
      }
    } else {
      Key[] ks = new Key[keys];
      for (int i = 0; i < keys; i++) {
        ks[i] = new Key(argv[cmd.keyPosition(i)]);
      }
      int[] stripes = KeyLocks.stripesOf(ks, keys);
      long[] stamps = server.locks.lockAll(stripes);
      locked = true;
      try {
        cmd.handler.run(this, argv);
      } finally {
        locked = false;
        server.locks.unlockAll(stripes, stamps);
      }
    }
  }

  /** A single-key read under an optimistic stamp; again under the shared mode if a multi-key command intervened. */
  private void readOptimistically(Command cmd, byte[][] argv, StampedLock stripe) {
    long stamp = stripe.tryOptimisticRead();
    if (stamp != 0) {
      ByteBuf b = out();
      int mark = b.writerIndex();
      cmd.handler.run(this, argv);
      if (stripe.validate(stamp)) {
        return;
      }
      b.writerIndex(mark);
    }
    stamp = stripe.readLock();
    try {
      cmd.handler.run(this, argv);
    } finally {
      stripe.unlockRead(stamp);
    }
  }

  /** After a write to {@code key} of the current database: dirties its watchers and invalidates it for trackers. */
  void touched(Key key) {
    touched(dbIndex, key);
  }

  void touched(int db, Key key) {
    server.watches.touch(db, key);
    server.tracking.invalidate(key, this);
  }

  /** Resets the connection to a fresh one's state (RESET). */
  void reset() {
    server.monitors.remove(this);
    tx.discard(this);
    server.watches.unwatchAll(this);
    server.tracking.disable(this);
    server.pubsub.unsubscribeAll(this);
    dbIndex = 0;
    proto = 2;
    name = "";
    noEvict = false;
    noTouch = false;
    user = "default";
    authenticated = !server.users.authRequired();
  }

  /**
   * The log write the replies waited on failed (see {@link Connection}): they are dropped unsent and the connection
   * closes, so the client, told nothing, treats its commands as it would after a crash.
   */
  void dropRepliesAndClose() {
    if (out != null) {
      out.release();
      out = null;
    }
    closeAfterReply = true;
    channel.close();
  }

  /** Releases everything the connection held; called once when its channel closes. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.monitors.remove(this);
    server.watches.unwatchAll(this);
    server.tracking.disable(this);
    server.pubsub.unsubscribeAll(this);
    if (out != null) {
      out.release();
      out = null;
    }
  }
}
