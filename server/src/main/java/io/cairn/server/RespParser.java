package io.cairn.server;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * Turns a connection's bytes into requests: RESP multibulk ({@code *<n>\r\n$<len>\r\n<bytes>\r\n...}) and the inline
 * form redis-cli and telnet users send ({@code GET key\r\n}), with Redis's own checks and error texts. Parsing
 * resumes where the last read stopped (a large argument is never scanned twice) and copies each argument once,
 * straight from the network buffer into the array the cache will keep.
 *
 * <p>Memory: an argument's array grows with the bytes that actually arrived (a client announcing 512 MB and sending
 * nothing holds 1 MB at most); a request's argument table grows likewise.
 *
 * <p>Not thread-safe: one per connection, used by its event loop.
 */
final class RespParser {
  /** Redis's PROTO_INLINE_MAX_SIZE: the longest inline request, and the longest count line. */
  static final int INLINE_MAX = 64 * 1024;
  private static final int FIRST_CHUNK = 1 << 20;

  /** A request that breaks the protocol: the reply Redis gives, after which the connection closes. */
  static final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
      super(message, null, false, false);
    }
  }

  /** Elements still to read of the current multibulk request; 0 between requests. */
  private long remaining;
  private byte[][] args;
  private int argc;
  /** Length of the bulk being read, -1 while its header is awaited. */
  private long bulkLen = -1;
  private byte[] bulk;
  private int filled;
  private final ServerConfig config;

  RespParser(ServerConfig config) {
    this.config = config;
  }

  /**
   * The next whole request in {@code in} (consumed), an empty array for a request with no arguments, or null when
   * more bytes are needed. {@code authenticated} false applies Redis's tighter limits for unauthenticated clients.
   */
  byte[][] next(ByteBuf in, boolean authenticated) throws ProtocolException {
    if (remaining == 0) {
      if (!in.isReadable()) {
        return null;
      }
      if (in.getByte(in.readerIndex()) != '*') {
        return inline(in);
      }
      int cr = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
      if (cr < 0) {
        if (in.readableBytes() > INLINE_MAX) {
          throw new ProtocolException("ERR Protocol error: too big mbulk count string");
        }
        return null;
      }
      if (cr + 1 >= in.writerIndex()) {
        return null;
      }
      long n = parseLong(in, in.readerIndex() + 1, cr);
      if (n == Long.MIN_VALUE || n > Integer.MAX_VALUE || n > config.maxMultibulkLen) {
        throw new ProtocolException("ERR Protocol error: invalid multibulk length");
      }
      if (n > 10 && !authenticated) {
        throw new ProtocolException("ERR Protocol error: unauthenticated multibulk length");
      }
      in.readerIndex(cr + 2);
      if (n <= 0) {
        return new byte[0][];
      }
      remaining = n;
      args = new byte[(int) Math.min(n, 1024)][];
      argc = 0;
    }
    while (remaining > 0) {
      if (bulkLen < 0) {
        int cr = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
        if (cr < 0) {
          if (in.readableBytes() > INLINE_MAX) {
            throw new ProtocolException("ERR Protocol error: too big bulk count string");
          }
          return null;
        }
        if (cr + 1 >= in.writerIndex()) {
          return null;
        }
        byte first = in.getByte(in.readerIndex());
        if (first != '$') {
          throw new ProtocolException("ERR Protocol error: expected '$', got '" + (char) (first & 0xff) + "'");
        }
        long len = parseLong(in, in.readerIndex() + 1, cr);
        if (len == Long.MIN_VALUE || len < 0 || len > config.protoMaxBulkLen || len > Integer.MAX_VALUE - 8) {
          throw new ProtocolException("ERR Protocol error: invalid bulk length");
        }
        if (len > 16384 && !authenticated) {
          throw new ProtocolException("ERR Protocol error: unauthenticated bulk length");
        }
        in.readerIndex(cr + 2);
        bulkLen = len;
        bulk = new byte[(int) Math.min(len, FIRST_CHUNK)];
        filled = 0;
      }
      if (filled < bulkLen) {
        int n = (int) Math.min(bulkLen - filled, in.readableBytes());
        if (filled + n > bulk.length) {
          bulk = Arrays.copyOf(bulk, (int) Math.min(bulkLen, Math.max((long) bulk.length * 2, filled + n)));
        }
        in.readBytes(bulk, filled, n);
        filled += n;
        if (filled < bulkLen) {
          return null;
        }
      }
      // Like Redis, the two bytes after the data are taken as the line end without looking at them.
      if (in.readableBytes() < 2) {
        return null;
      }
      in.skipBytes(2);
      if (argc == args.length) {
        args = Arrays.copyOf(args, (int) Math.min((long) args.length * 2, argc + remaining));
      }
      args[argc++] = bulk;
      bulk = null;
      bulkLen = -1;
      remaining--;
    }
    byte[][] out = argc == args.length ? args : Arrays.copyOf(args, argc);
    args = null;
    argc = 0;
    return out;
  }

  private byte[][] inline(ByteBuf in) throws ProtocolException {
    int nl = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
    if (nl < 0) {
      if (in.readableBytes() > INLINE_MAX) {
        throw new ProtocolException("ERR Protocol error: too big inline request");
      }
      return null;
    }
    int start = in.readerIndex();
    int end = nl;
    if (end > start && in.getByte(end - 1) == '\r') {
      end--;
    }
    byte[] line = new byte[end - start];
    in.getBytes(start, line);
    in.readerIndex(nl + 1);
    byte[][] argv = Args.split(line, 0, line.length);
    if (argv == null) {
      throw new ProtocolException("ERR Protocol error: unbalanced quotes in request");
    }
    return argv;
  }

  /**
   * A decimal integer exactly as Redis's string2ll accepts it (optional '-', no '+', no leading zeros, no spaces),
   * or Long.MIN_VALUE if the bytes are not one.
   */
  static long parseLong(ByteBuf in, int from, int to) {
    int len = to - from;
    if (len <= 0 || len > 20) {
      return Long.MIN_VALUE;
    }
    int i = from;
    boolean neg = false;
    if (in.getByte(i) == '-') {
      neg = true;
      i++;
      if (i == to) {
        return Long.MIN_VALUE;
      }
    }
    byte d0 = in.getByte(i);
    if (d0 == '0') {
      return i + 1 == to && !neg ? 0 : Long.MIN_VALUE;
    }
    long v = 0;
    for (; i < to; i++) {
      byte d = in.getByte(i);
      if (d < '0' || d > '9') {
        return Long.MIN_VALUE;
      }
      if (v > (Long.MAX_VALUE - (d - '0')) / 10) {
        return Long.MIN_VALUE;
      }
      v = v * 10 + (d - '0');
    }
    return neg ? -v : v;
  }
}
