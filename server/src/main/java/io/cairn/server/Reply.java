package io.cairn.server;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes RESP2 and RESP3 replies into a connection's output buffer. Every method appends one complete value (or the
 * header of an aggregate whose elements follow); nothing is flushed here. RESP2 has no maps, sets, doubles, pushes or
 * a single null, so those fall back as Redis does: maps and sets to flat arrays, doubles to bulk strings, the null to
 * {@code $-1} (or {@code *-1} for a null array).
 */
final class Reply {
  private static final byte[] CRLF = {'\r', '\n'};
  private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] QUEUED = "+QUEUED\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ZERO = ":0\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ONE = ":1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY_BULK = "$0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY_ARRAY = "*0\r\n".getBytes(StandardCharsets.US_ASCII);

  private Reply() {}

  static void ok(ByteBuf b) {
    b.writeBytes(OK);
  }

  static void queued(ByteBuf b) {
    b.writeBytes(QUEUED);
  }

  static void pong(ByteBuf b) {
    b.writeBytes(PONG);
  }

  static void simple(ByteBuf b, String s) {
    b.writeByte('+');
    b.writeCharSequence(s, StandardCharsets.UTF_8);
    b.writeBytes(CRLF);
  }

  /**
   * An error reply: {@code message} starts with its code ({@code ERR syntax error}, {@code WRONGTYPE ...}); line
   * breaks in it (from a client's arguments) become spaces, as Redis does, so the reply stays one line. Written as
   * ISO-8859-1, so a message quoting a client's bytes (decoded as ISO-8859-1) gives them back unchanged.
   */
  static void error(ByteBuf b, String message) {
    b.writeByte('-');
    b.writeCharSequence(message.replace('\r', ' ').replace('\n', ' '), StandardCharsets.ISO_8859_1);
    b.writeBytes(CRLF);
  }

  static void integer(ByteBuf b, long n) {
    if (n == 0) {
      b.writeBytes(ZERO);
    } else if (n == 1) {
      b.writeBytes(ONE);
    } else {
      b.writeByte(':');
      digits(b, n);
      b.writeBytes(CRLF);
    }
  }

  static void bool(ByteBuf b, boolean v) {
    integer(b, v ? 1 : 0);
  }

  static void bulk(ByteBuf b, byte[] v) {
    if (v.length == 0) {
      b.writeBytes(EMPTY_BULK);
      return;
    }
    b.ensureWritable(v.length + 16);
    b.writeByte('$');
    digits(b, v.length);
    b.writeBytes(CRLF);
    b.writeBytes(v);
    b.writeBytes(CRLF);
  }

  static void bulk(ByteBuf b, byte[] v, int off, int len) {
    b.ensureWritable(len + 16);
    b.writeByte('$');
    digits(b, len);
    b.writeBytes(CRLF);
    b.writeBytes(v, off, len);
    b.writeBytes(CRLF);
  }

  static void bulk(ByteBuf b, String s) {
    bulk(b, s.getBytes(StandardCharsets.UTF_8));
  }

  /** RESP3 verbatim string ({@code =len\r\ntxt:...}), a bulk string under RESP2 (INFO, CLIENT INFO). */
  static void verbatim(ByteBuf b, int proto, String text) {
    if (proto < 3) {
      bulk(b, text);
      return;
    }
    byte[] v = text.getBytes(StandardCharsets.UTF_8);
    b.writeByte('=');
    digits(b, v.length + 4);
    b.writeBytes(CRLF);
    b.writeCharSequence("txt:", StandardCharsets.US_ASCII);
    b.writeBytes(v);
    b.writeBytes(CRLF);
  }

  static void nullBulk(ByteBuf b, int proto) {
    b.writeBytes(proto >= 3 ? NULL3 : NULL_BULK);
  }

  static void nullArray(ByteBuf b, int proto) {
    b.writeBytes(proto >= 3 ? NULL3 : NULL_ARRAY);
  }

  static void array(ByteBuf b, long n) {
    if (n == 0) {
      b.writeBytes(EMPTY_ARRAY);
      return;
    }
    header(b, '*', n);
  }

  /** A map of {@code n} pairs: {@code %n} under RESP3, an array of 2n elements under RESP2. */
  static void map(ByteBuf b, int proto, long n) {
    if (proto >= 3) {
      header(b, '%', n);
    } else {
      array(b, 2 * n);
    }
  }

  static void set(ByteBuf b, int proto, long n) {
    if (proto >= 3) {
      header(b, '~', n);
    } else {
      array(b, n);
    }
  }

  /** An out-of-band message: {@code >n} under RESP3, an array under RESP2 (pub/sub messages). */
  static void push(ByteBuf b, int proto, long n) {
    if (proto >= 3) {
      header(b, '>', n);
    } else {
      array(b, n);
    }
  }

  private static void header(ByteBuf b, char type, long n) {
    b.writeByte(type);
    digits(b, n);
    b.writeBytes(CRLF);
  }

  /** Writes {@code n} in decimal without building a String. */
  static void digits(ByteBuf b, long n) {
    if (n < 0) {
      if (n == Long.MIN_VALUE) {
        b.writeCharSequence("-9223372036854775808", StandardCharsets.US_ASCII);
        return;
      }
      b.writeByte('-');
      n = -n;
    }
    if (n < 10) {
      b.writeByte((int) ('0' + n));
      return;
    }
    int len = 1;
    for (long t = n / 10; t > 0; t /= 10) {
      len++;
    }
    b.ensureWritable(len);
    int end = b.writerIndex() + len;
    for (int i = end - 1; i >= b.writerIndex(); i--) {
      b.setByte(i, (int) ('0' + n % 10));
      n /= 10;
    }
    b.writerIndex(end);
  }
}
