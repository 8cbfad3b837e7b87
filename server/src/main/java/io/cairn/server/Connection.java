package io.cairn.server;

import io.cairn.engine.LogDeferral;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * A client connection's Netty handler: keeps the bytes not yet parsed, runs each whole request as it is parsed, and
 * writes every reply of one read with a single flush. A client whose replies pile up unread (its channel no longer
 * writable) is not read from until they drain, so pipelining without reading costs bounded memory; an oversized or
 * malformed request gets Redis's protocol error and the connection closes after it.
 *
 * <p>When a database keeps a log, pipelined commands (a read holding more than one request) run under a
 * {@link LogDeferral}: their log records reach the OS (under sync, the device) in one write when the read's commands
 * are done, before any of their replies leaves (as Redis writes its append-only file before the replies of an
 * event-loop turn). If that write fails the replies are dropped and the connection closed: no client is told that
 * its write succeeded unless its database's durability holds it. Clients of other event loops may read such a write
 * (or get its invalidation) before that one log write, so before it is durable. A lone request is not deferred, so its own failed write is answered
 * with an error as before.
 *
 * <p>Not shared: one per channel, driven by its event loop.
 */
final class Connection extends ChannelInboundHandlerAdapter {
  /** Replies buffered past this are handed to the channel mid-read, so writability reflects them. */
  private static final int FLUSH_EARLY_BYTES = 256 * 1024;

  private final CairnServer server;
  private final RespParser parser;
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
    // Once per read rather than per command: the idle clock (CLIENT LIST, timeout) and where SLOWLOG's time starts.
    session.lastInteractionMillis = System.currentTimeMillis();
    session.clock = System.nanoTime();
    LogDeferral deferral = null;
    try {
      while (buf != null && buf.isReadable() && !session.closeAfterReply && !session.closed) {
        byte[][] argv;
        try {
          argv = parser.next(buf, session.authenticated);
        } catch (RespParser.ProtocolException e) {
          server.stats.protocolErrors.increment();
          session.error(e.getMessage());
          session.closeAfterReply = true;
          break;
        }
        if (argv == null) {
          break;
        }
        server.stats.commands.increment();
        if (deferral == null && server.defersLogs && buf.isReadable()) {
          deferral = LogDeferral.open(); // more requests follow in this read: their log records go out together
        }
        session.execute(argv);
        if (session.buffered() > FLUSH_EARLY_BYTES) {
          if (deferral != null) {
            LogDeferral d = deferral;
            deferral = null;
            if (!durable(d)) {
              break;
            }
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
      if (deferral != null) {
        durable(deferral);
      }
      if (buf != null && !buf.isReadable()) {
        buf.release();
        pending = null;
      }
    }
  }

  /** Closes the deferral; if its log write failed, drops the replies unsent and closes the connection. */
  private boolean durable(LogDeferral d) {
    try {
      d.close();
      return true;
    } catch (RuntimeException e) {
      server.log("a log write failed under client id=" + session.id + " (" + e.getMessage() + "); its replies are"
          + " dropped and the connection closed");
      session.dropRepliesAndClose();
      return false;
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (session != null) {
      session.flush();
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
    process(ctx);
    session.flush();
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
