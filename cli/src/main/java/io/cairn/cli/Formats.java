package io.cairn.cli;

import io.cairn.engine.Entry;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;

/**
 * How the commands write bytes and read keys given on the command line.
 *
 * <ul>
 *   <li>{@code hex}: lowercase hex digits.</li>
 *   <li>{@code utf8}: the text, with bytes outside printable ASCII (and the backslash) as {@code \xNN}; a key in this
 *   form can be given back to {@code --key-format utf8}, which reads {@code \xNN} and {@code \\} escapes.</li>
 *   <li>{@code json}: one object per entry and line: {@code "key"} and {@code "value"} as JSON strings when the bytes
 *   are valid UTF-8, else {@code "keyHex"} / {@code "valueHex"}; {@code "expireAt"} (ISO-8601) when the entry has an
 *   expiry; {@code "sequence"}.</li>
 * </ul>
 */
final class Formats {
  private static final HexFormat HEX = HexFormat.of();

  private Formats() {}

  /** The output forms of {@code --format}. */
  enum Output { hex, utf8, json }

  /** The input forms of {@code --key-format}. */
  enum Input { hex, utf8 }

  static String hex(byte[] b) {
    return HEX.formatHex(b);
  }

  /** Printable ASCII as itself, every other byte (and the backslash) as {@code \xNN}. */
  static String escaped(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length);
    for (byte x : b) {
      int c = x & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\\') {
        sb.append((char) c);
      } else {
        sb.append("\\x").append(HEX.toHexDigits((byte) c));
      }
    }
    return sb.toString();
  }

  static String show(byte[] b, Output form) {
    return form == Output.hex ? hex(b) : escaped(b);
  }

  /** The bytes as text if they are valid UTF-8, else null. */
  static String utf8OrNull(byte[] b) {
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  static String jsonString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /** A JSON field {@code name} (or {@code nameHex} when the bytes are not UTF-8) without the surrounding braces. */
  static String jsonBytes(String name, byte[] b) {
    String text = utf8OrNull(b);
    return text != null ? jsonString(name) + ":" + jsonString(text)
        : jsonString(name + "Hex") + ":" + jsonString(hex(b));
  }

  /** One entry as a line in the given form. */
  static String entry(StoreContents.Item item, Output form) {
    if (form == Output.json) {
      StringBuilder sb = new StringBuilder("{").append(jsonBytes("key", item.key())).append(',')
          .append(jsonBytes("value", item.value()));
      if (item.expireAtMillis() != Entry.NO_EXPIRY) {
        sb.append(",\"expireAt\":").append(jsonString(Instant.ofEpochMilli(item.expireAtMillis()).toString()));
      }
      return sb.append(",\"sequence\":").append(item.sequence()).append('}').toString();
    }
    String line = show(item.key(), form) + " => " + show(item.value(), form);
    return item.expireAtMillis() == Entry.NO_EXPIRY ? line
        : line + "  (expires " + Instant.ofEpochMilli(item.expireAtMillis()) + ")";
  }

  /**
   * A key given on the command line.
   *
   * @param what names the argument in the error ("KEY", "--from")
   * @throws CliException naming the argument and what is wrong with it
   */
  static byte[] parseKey(String text, Input form, String what) {
    if (form == Input.hex) {
      String digits = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
      try {
        return HEX.parseHex(digits);
      } catch (IllegalArgumentException e) {
        throw new CliException(what + " \"" + text + "\" is not hex (an even number of digits 0-9, a-f): "
            + e.getMessage());
      }
    }
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] != '\\') {
        out.write(raw[i]);
        continue;
      }
      if (i + 1 < raw.length && raw[i + 1] == '\\') {
        out.write('\\');
        i++;
      } else if (i + 3 < raw.length && raw[i + 1] == 'x' && HexFormat.isHexDigit(raw[i + 2])
          && HexFormat.isHexDigit(raw[i + 3])) {
        out.write(HexFormat.fromHexDigit(raw[i + 2]) * 16
            + HexFormat.fromHexDigit(raw[i + 3]));
        i += 3;
      } else {
        throw new CliException(what + " \"" + text + "\" has a lone backslash at byte " + i
            + " (write \\\\ for a backslash, \\xNN for a byte)");
      }
    }
    return out.toByteArray();
  }

  static String bytes(long n) {
    return String.format("%,d", n);
  }

  /** {@code n} and the noun, plural unless {@code n} is 1: "1 log", "3 tables". */
  static String count(long n, String noun) {
    return bytes(n) + " " + noun + (n == 1 ? "" : "s");
  }
}
