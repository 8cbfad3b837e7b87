package io.cairn.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into arguments as Redis does for inline commands and redis.conf lines: words separated by white
 * space; "double quotes" with \n \r \t \b \a \xHH and \c escapes; 'single quotes' with \' only. A closing quote must
 * be followed by white space or the end of the line, and an unclosed quote is an error.
 */
final class Args {
  private Args() {}

  /** The words of {@code line[from, to)}, or null if its quotes are unbalanced. */
  static byte[][] split(byte[] line, int from, int to) {
    List<byte[]> out = new ArrayList<>();
    ByteArrayOutputStream cur = new ByteArrayOutputStream();
    int p = from;
    while (true) {
      while (p < to && isSpace(line[p])) {
        p++;
      }
      if (p >= to) {
        return out.toArray(new byte[0][]);
      }
      boolean inq = false;
      boolean insq = false;
      boolean done = false;
      cur.reset();
      while (!done) {
        if (inq) {
          if (p >= to) {
            return null;
          }
          byte b = line[p];
          if (b == '\\' && p + 3 < to && line[p + 1] == 'x' && hex(line[p + 2]) >= 0 && hex(line[p + 3]) >= 0) {
            cur.write(hex(line[p + 2]) * 16 + hex(line[p + 3]));
            p += 3;
          } else if (b == '\\' && p + 1 < to) {
            p++;
            byte c = line[p];
            cur.write(switch (c) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'b' -> '\b';
              case 'a' -> 7;
              default -> c;
            });
          } else if (b == '"') {
            if (p + 1 < to && !isSpace(line[p + 1])) {
              return null;
            }
            done = true;
          } else {
            cur.write(b);
          }
        } else if (insq) {
          if (p >= to) {
            return null;
          }
          byte b = line[p];
          if (b == '\\' && p + 1 < to && line[p + 1] == '\'') {
            p++;
            cur.write('\'');
          } else if (b == '\'') {
            if (p + 1 < to && !isSpace(line[p + 1])) {
              return null;
            }
            done = true;
          } else {
            cur.write(b);
          }
        } else {
          if (p >= to) {
            done = true;
          } else {
            byte b = line[p];
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == 0) {
              done = true;
            } else if (b == '"') {
              inq = true;
            } else if (b == '\'') {
              insq = true;
            } else {
              cur.write(b);
            }
          }
        }
        if (p < to) {
          p++;
        }
      }
      out.add(cur.toByteArray());
    }
  }

  /** The words of a configuration line, or null if its quotes are unbalanced. */
  static List<String> split(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    byte[][] words = split(b, 0, b.length);
    if (words == null) {
      return null;
    }
    List<String> out = new ArrayList<>(words.length);
    for (byte[] w : words) {
      out.add(new String(w, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == 0x0b || b == '\f';
  }

  private static int hex(byte b) {
    if (b >= '0' && b <= '9') {
      return b - '0';
    }
    if (b >= 'a' && b <= 'f') {
      return b - 'a' + 10;
    }
    if (b >= 'A' && b <= 'F') {
      return b - 'A' + 10;
    }
    return -1;
  }
}
