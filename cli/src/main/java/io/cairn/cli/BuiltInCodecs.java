package io.cairn.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Shows keys and values encoded by the provider's built-in codecs, by the names the disk tier's META record gives
 * them: {@code String} (UTF-8), the boxed primitives (big-endian, sign bit flipped so byte order is numeric order;
 * floating point with all bits of negatives flipped), {@code UUID} (two such longs), {@code byte[]} (itself),
 * {@code tagged} (a type byte, then one of those, or 0x7f and JDK serialization) and {@code serialized}. The
 * encodings are the provider's; {@code CacheCommandTest} writes every type through a real cache and reads it back
 * here, so the two cannot drift apart unnoticed.
 *
 * <p>JDK serialization is read only for classes of {@code java.lang}, {@code java.math}, {@code java.time} and
 * {@code java.util} (bounded in depth, references and bytes); anything else is shown as its class name and size,
 * never loaded.
 */
final class BuiltInCodecs {
  /** The tagged codec's types, by tag 1, 2, ...; 0x7f is JDK serialization. */
  private static final String[] TAGGED = {"String", "Integer", "Long", "byte[]", "UUID", "Double", "Short", "Boolean",
      "Float", "Character", "Byte"};
  private static final byte SERIALIZED_TAG = 0x7f;
  private static final int SHOWN_CHARS = 200;

  private BuiltInCodecs() {}

  /** Whether {@code codec} (a META codec name) is one this tool decodes. */
  static boolean known(String codec) {
    return switch (codec) {
      case "String", "Long", "Integer", "Short", "Byte", "Character", "Boolean", "Double", "Float", "UUID", "byte[]",
          "tagged", "serialized" -> true;
      default -> false;
    };
  }

  /** {@code b} decoded by {@code codec} and shown; hex for a codec that is not built in. */
  static String show(String codec, byte[] b) {
    try {
      return decode(codec, b);
    } catch (IllegalArgumentException e) {
      return "<not " + codec + ": " + e.getMessage() + "; 0x" + Formats.hex(b) + ">";
    }
  }

  private static String decode(String codec, byte[] b) {
    switch (codec) {
      case "String":
        return Formats.jsonString(new String(b, StandardCharsets.UTF_8));
      case "Long":
        need(b, 8);
        return Long.toString(getLong(b, 0) ^ Long.MIN_VALUE);
      case "Integer":
        need(b, 4);
        return Integer.toString(getInt(b) ^ Integer.MIN_VALUE);
      case "Short":
        need(b, 2);
        return Short.toString((short) ((((b[0] & 0xff) << 8) | (b[1] & 0xff)) ^ Short.MIN_VALUE));
      case "Byte":
        need(b, 1);
        return Byte.toString((byte) (b[0] ^ Byte.MIN_VALUE));
      case "Character":
        need(b, 2);
        return "'" + (char) (((b[0] & 0xff) << 8) | (b[1] & 0xff)) + "'";
      case "Boolean":
        need(b, 1);
        return Boolean.toString(b[0] != 0);
      case "Double": {
        need(b, 8);
        long bits = getLong(b, 0);
        bits ^= bits < 0 ? Long.MIN_VALUE : -1L;
        return Double.toString(Double.longBitsToDouble(bits));
      }
      case "Float": {
        need(b, 4);
        int bits = getInt(b);
        bits ^= bits < 0 ? Integer.MIN_VALUE : -1;
        return Float.toString(Float.intBitsToFloat(bits));
      }
      case "UUID":
        need(b, 16);
        return new UUID(getLong(b, 0) ^ Long.MIN_VALUE, getLong(b, 8) ^ Long.MIN_VALUE).toString();
      case "byte[]":
        return "0x" + Formats.hex(b);
      case "tagged":
        return tagged(b);
      case "serialized":
        return serialized(b);
      default:
        return "0x" + Formats.hex(b);
    }
  }

  private static String tagged(byte[] b) {
    if (b.length == 0) {
      throw new IllegalArgumentException("empty, no type byte");
    }
    byte[] body = java.util.Arrays.copyOfRange(b, 1, b.length);
    if (b[0] == SERIALIZED_TAG) {
      return serialized(body);
    }
    int i = b[0] - 1;
    if (i < 0 || i >= TAGGED.length) {
      throw new IllegalArgumentException("unknown type byte " + b[0]);
    }
    return decode(TAGGED[i], body);
  }

  /** A JDK-serialized object of a java.* class shown by its toString, any other as its class name. */
  private static String serialized(byte[] b) {
    String[] refused = new String[1];
    ObjectInputFilter filter = info -> {
      if (info.depth() > 20 || info.references() > 100_000 || info.streamBytes() > (16 << 20)) {
        return ObjectInputFilter.Status.REJECTED;
      }
      Class<?> c = info.serialClass();
      while (c != null && c.isArray()) {
        c = c.getComponentType();
      }
      if (c == null || c.isPrimitive()) {
        return ObjectInputFilter.Status.UNDECIDED;
      }
      String n = c.getName();
      if (n.startsWith("java.lang.") || n.startsWith("java.math.") || n.startsWith("java.time.")
          || n.startsWith("java.util.")) {
        return ObjectInputFilter.Status.ALLOWED;
      }
      if (refused[0] == null) {
        refused[0] = n;
      }
      return ObjectInputFilter.Status.REJECTED;
    };
    try (ObjectInputStream in = new ClassNameOnlyStream(new ByteArrayInputStream(b), refused)) {
      in.setObjectInputFilter(filter);
      Object o = in.readObject();
      String shown = o instanceof String s ? Formats.jsonString(s) : String.valueOf(o);
      return shown.length() > SHOWN_CHARS ? shown.substring(0, SHOWN_CHARS) + "…" : shown;
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      if (refused[0] != null) {
        return "<serialized " + refused[0] + ", " + b.length + " bytes>";
      }
      throw new IllegalArgumentException("not JDK serialization (" + e.getMessage() + ")");
    }
  }

  /**
   * Resolves only classes of the JDK's base module (which the filter then decides on); for any other class it notes
   * the name and refuses, so no application class is ever looked up or loaded.
   */
  private static final class ClassNameOnlyStream extends ObjectInputStream {
    private final String[] refused;

    ClassNameOnlyStream(ByteArrayInputStream in, String[] refused) throws IOException {
      super(in);
      this.refused = refused;
    }

    @Override
    protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      String n = desc.getName();
      if (n.startsWith("java.") || n.matches("\\[+([ZBCSIJFD]|Ljava\\..*;)")) {
        return super.resolveClass(desc);
      }
      if (refused[0] == null) {
        refused[0] = n;
      }
      throw new ClassNotFoundException(n + " is not read by the cairn tool");
    }
  }

  private static void need(byte[] b, int n) {
    if (b.length != n) {
      throw new IllegalArgumentException(b.length + " bytes, expected " + n);
    }
  }

  private static long getLong(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[at + i] & 0xff);
    }
    return v;
  }

  private static int getInt(byte[] b) {
    return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
  }
}
