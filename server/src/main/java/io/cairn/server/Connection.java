package io.cairn.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * A client connection's Netty handler: keeps the bytes not yet parsed, runs each whole request as it is parsed, and
 * writes every reply of one read with a single flush. A client whose replies pile up unread (its channel no longer
 * writable) is not read from until they drain, so pipelining without reading costs bounded memory; an oversized or
 * malformed request gets Redis's protocol error and the connection closes after it.
 *
 * <p>When a database keeps a log, a read holding more than one request opens its event loop's {@link LogBatch}: the
 * log records of the commands the loop runs until the end of its turn, for every connection, reach the OS (under
 * sync, the device) in one write, before any of their replies leaves (as Redis writes its append-only file before it
 * answers an event-loop turn). See {@link LogBatch} for a failed write. Clients of other event loops may read such a
 * write (or get its invalidation) before that write, so before it is durable. A lone request while no batch is open
 * is logged on its own, so its own failed write is answered with an error.
 *
 * <p>Not shared: one per channel, driven by its event loop.
 */
final class Connection extends ChannelInboundHandlerAdapter {
  /** Replies buffered past this are handed to the channel mid-read, so writability reflects them. */
  private static final int FLUSH_EARLY_BYTES = 256 * 1024;

  private final CairnServer server;
  private final RespParser parser;

  /**
   * Requests parsed ahead of running them, at most {@link #AHEAD}: the keys of a pipelined batch are looked up in the
   * heap tier's index together ({@link io.cairn.jcache.CairnCache#prefetch}) before the first of them runs, so their
   * cache misses overlap. They still run one by one, in order, as if parsed one at a time; a protocol error met while
   * parsing ahead is answered after the requests before it.
   */
  private static final int AHEAD = 16;
  /** Second arguments longer than this are not looked up ahead (few keys are; payloads are). */
  private static final int MAX_HINTED_KEY = 512;
  private final byte[][][] ahead = new byte[AHEAD][][];
  private final Key[] aheadKeys = new Key[AHEAD];
  private int aheadNext;
  private int aheadCount;
  private RespParser.ProtocolException aheadError;
  private Session session;
  private ByteBuf pending;
  private boolean paused;

  Connection(CairnServer server) {
    this.server = server;
    this.parser = new RespParser(server.config);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    session = server.register(ctx.channel());
    if (session == null) {
      ctx.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer("-ERR max number of clients reached\r\n",
          java.nio.charset.StandardCharsets.US_ASCII)).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
      return;
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    if (session == null || session.closed || session.closeAfterReply) {
      in.release();
      return;
    }
    server.stats.inputBytes.add(in.readableBytes());
    if (pending == null) {
      pending = in;
    } else {
      if (pending.writableBytes() < in.readableBytes()) {
        pending.discardReadBytes();
      }
      if (pending.writableBytes() < in.readableBytes() || pending.refCnt() > 1) {
        ByteBuf grown = ctx.alloc().ioBuffer(pending.readableBytes() + in.readableBytes());
        grown.writeBytes(pending);
        pending.release();
        pending = grown;
      }
      pending.writeBytes(in);
      in.release();
    }
    process(ctx);
  }

  /** Parses and runs requests until the bytes run out, the client must wait for its output to drain, or it closes. */
  private void process(ChannelHandlerContext ctx) {
    ByteBuf buf = pending;
    // Once per read rather than per command: the idle clock (CLIENT LIST, timeout), and where SLOWLOG's time starts
    // for requests parsed before a pause and run now.
    session.lastInteractionMillis = System.currentTimeMillis();
    session.clock = System.nanoTime();
    LogBatch batch = server.defersLogs ? LogBatch.ofLoop() : null;
    try {
      while (!session.closeAfterReply && !session.closed) {
        if (aheadNext == aheadCount) {
          parseAhead(buf);
          // SLOWLOG times a request from here, as Redis does: after its parsing, which the batch has done.
          session.clock = System.nanoTime();
          if (aheadNext == aheadCount) {
            if (aheadError != null) {
              server.stats.protocolErrors.increment();
              session.error(aheadError.getMessage());
              session.closeAfterReply = true;
              aheadError = null;
            }
            break;
          }
        }
        int at = aheadNext++;
        byte[][] argv = ahead[at];
        ahead[at] = null;
        server.stats.commands.increment();
        if (batch != null && (aheadNext < aheadCount || buf != null && buf.isReadable())) {
          batch.open(); // more requests follow in this read: their log records go out with the turn's others
        }
        Key second = aheadKeys[at];
        aheadKeys[at] = null;
        session.execute(argv, second);
        if (session.buffered() > FLUSH_EARLY_BYTES) {
          if (batch != null && batch.isOpen() && !batch.finish()) {
            session.dropRepliesAndClose();
            break;
          }
          session.flush();
          server.limits.checkOutput(session);
          if (!ctx.channel().isWritable()) {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            break;
          }
        }
      }
    } finally {
      if (buf != null && !buf.isReadable()) {
        buf.release();
        pending = null;
      }
    }
  }

  /**
   * Parses up to {@link #AHEAD} requests from {@code buf} (one before the client is authenticated, whose parsing limits
   * are stricter, and none past a request that may change that: AUTH, HELLO, RESET, nor past a SELECT, after which the
   * keys belong to another database), then has the current database look their keys up together. A protocol error
   * ends the batch and waits in {@link #aheadError}.
   */
  private void parseAhead(ByteBuf buf) {
    aheadNext = 0;
    aheadCount = 0;
    if (aheadError != null || buf == null) {
      return;
    }
    boolean authenticated = session.authenticated;
    int most = authenticated ? AHEAD : 1;
    int keys = 0;
    while (aheadCount < most && buf.isReadable()) {
      byte[][] argv;
      try {
        argv = parser.next(buf, authenticated);
      } catch (RespParser.ProtocolException e) {
        aheadError = e;
        break;
      }
      if (argv == null) {
        break;
      }
      ahead[aheadCount] = argv;
      boolean last = argv.length > 0 && endsBatch(argv[0]);
      // The second argument is the key of most requests; a long one (an ECHO or PUBLISH payload), a password or a
      // database number is not hashed for a hint.
      boolean hinted = argv.length > 1 && argv[1].length <= MAX_HINTED_KEY && !last;
      aheadKeys[aheadCount] = hinted ? new Key(argv[1]) : null;
      keys += hinted ? 1 : 0;
      aheadCount++;
      if (last) {
        break;
      }
    }
    if (keys > 1) {
      session.db().cairn.prefetch(aheadKeys, aheadCount);
    }
  }

  private static final byte[] AUTH = {'a', 'u', 't', 'h'};
  private static final byte[] HELLO = {'h', 'e', 'l', 'l', 'o'};
  private static final byte[] RESET = {'r', 'e', 's', 'e', 't'};
  private static final byte[] SELECT = {'s', 'e', 'l', 'e', 'c', 't'};

  /**
   * Whether a request named {@code name} ends a batch parsed ahead: AUTH, HELLO and RESET may change how the requests
   * behind it are parsed, SELECT (and RESET) which database their keys belong to.
   */
  private static boolean endsBatch(byte[] name) {
    return CommandTable.sameIgnoringCase(AUTH, name) || CommandTable.sameIgnoringCase(HELLO, name)
        || CommandTable.sameIgnoringCase(RESET, name) || CommandTable.sameIgnoringCase(SELECT, name);
  }

  /** A read's commands are done: their replies go out now, or once the loop's log batch is written. */
  private void complete(ChannelHandlerContext ctx) {
    LogBatch batch = LogBatch.openOnLoop(server);
    if (batch != null) {
      batch.hold(session, ctx.channel().eventLoop());
    } else {
      session.flush();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (session != null) {
      complete(ctx);
    }
  }

  /**
   * Resumes a paused client once its output drained. Netty reports writability from inside its own flush, where a
   * further flush is ignored, so the reading resumes in a task of its own instead of in this callback.
   */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (paused && ctx.channel().isWritable()) {
      ctx.channel().eventLoop().execute(() -> resume(ctx));
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void resume(ChannelHandlerContext ctx) {
    if (!paused || !ctx.channel().isWritable() || session.closed) {
      return;
    }
    paused = false;
    ctx.channel().config().setAutoRead(true);
    try {
      process(ctx);
    } finally {
      complete(ctx);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (pending != null) {
      pending.release();
      pending = null;
    }
    if (session != null) {
      server.unregister(session);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
