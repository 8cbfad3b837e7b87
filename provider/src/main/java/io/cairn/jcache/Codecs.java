package io.cairn.jcache;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.cache.CacheException;

/**
 * The built-in codecs and the rules that pick one for a type.
 *
 * <p>Order-preserving encodings: String as UTF-8 (code point order); signed integers big-endian with the sign bit
 * flipped; floating point with the IEEE trick (flip all bits of negatives, the sign bit of the rest); UUID as two
 * longs with sign bits flipped (so byte order matches {@link UUID#compareTo}); byte[] as itself. A cache typed
 * {@code Object} (as Spring and Hibernate create them) uses the tagged codec: one type byte, then that type's encoding,
 * JDK serialization for any other type.
 */
final class Codecs {
  /** Applied when the configuration sets no filter: depth and size limits, and known gadget packages refused. */
  static final String DEFAULT_SERIAL_FILTER = "maxdepth=100;maxrefs=1000000;maxbytes=268435456;"
      + "!org.apache.commons.collections.functors.*;!org.apache.commons.collections4.functors.*;"
      + "!org.codehaus.groovy.runtime.*;!com.sun.org.apache.xalan.internal.xsltc.trax.*;!java.rmi.*;!sun.rmi.*;"
      + "!javax.management.*;!org.springframework.beans.factory.ObjectFactory";

  private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Integer.class, Long.class, Short.class,
      Byte.class, Character.class, Boolean.class, Double.class, Float.class, UUID.class, BigInteger.class,
      BigDecimal.class, java.time.Instant.class, java.time.LocalDate.class, java.time.LocalDateTime.class,
      java.time.Duration.class, Class.class);

  private Codecs() {}

  /** True for types whose instances cannot change, so store-by-value needs no copy. */
  static boolean isImmutable(Object o) {
    return o == null || IMMUTABLE.contains(o.getClass()) || o instanceof Enum<?>;
  }

  /** True for a configured type all of whose instances are immutable (a final immutable class, or an enum). */
  static boolean isImmutableType(Class<?> type) {
    return IMMUTABLE.contains(type) || type.isEnum();
  }

  /** The codec for a configured type; {@code Object} and interfaces get the tagged codec. */
  @SuppressWarnings("unchecked")
  static <T> Codec<T> forType(Class<T> type, ClassLoader loader, ObjectInputFilter filter) {
    Codec<?> c = builtIn(type);
    if (c != null) {
      return (Codec<T>) c;
    }
    if (type == Object.class || type.isInterface() || type == Serializable.class || type == Number.class) {
      return (Codec<T>) new Tagged(new Serialized<>(Object.class, loader, filter));
    }
    return new Serialized<>(type, loader, filter);
  }

  /**
   * The value codec for a configured type: {@link #forType}'s, except that a store-by-value cache whose encodings stay
   * in this process ({@code local}: neither persistent nor remote) copies values of a plain Serializable class field
   * by field ({@link FieldCodec}) instead of serializing them.
   */
  static <T> Codec<T> forValues(Class<T> type, ClassLoader loader, ObjectInputFilter filter, boolean local) {
    Codec<T> c = forType(type, loader, filter);
    return local && c instanceof Serialized<T> s ? FieldCodec.of(type, s, filter) : c;
  }

  private static Codec<?> builtIn(Class<?> type) {
    if (type == String.class) {
      return STRING;
    } else if (type == Integer.class || type == int.class) {
      return INTEGER;
    } else if (type == Long.class || type == long.class) {
      return LONG;
    } else if (type == byte[].class) {
      return BYTES;
    } else if (type == UUID.class) {
      return UUID_CODEC;
    } else if (type == Double.class || type == double.class) {
      return DOUBLE;
    } else if (type == Short.class || type == short.class) {
      return SHORT;
    } else if (type == Boolean.class || type == boolean.class) {
      return BOOLEAN;
    } else if (type == Float.class || type == float.class) {
      return FLOAT;
    } else if (type == Character.class || type == char.class) {
      return CHAR;
    } else if (type == Byte.class || type == byte.class) {
      return BYTE;
    }
    return null;
  }

  static ObjectInputFilter filter(String pattern) {
    String p = pattern == null ? DEFAULT_SERIAL_FILTER : pattern;
    try {
      ObjectInputFilter.Config.createFilter(p);
      return new ClassCachingFilter(p);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad serial-filter \"" + pattern + "\": " + e.getMessage(), e);
    }
  }

  /**
   * A serial filter that decides each class once: the pattern's limits (maxdepth, maxrefs, maxbytes, maxarray) are
   * checked at every call, as the JDK's filter does, while the verdict of its class patterns, which depends on the
   * class alone, is remembered per class. Deserializing a value otherwise matches every class of its graph against
   * every pattern each time.
   */
  static final class ClassCachingFilter implements ObjectInputFilter {
    private final ObjectInputFilter limits;
    private final ObjectInputFilter classes;
    private final java.util.concurrent.ConcurrentHashMap<Class<?>, Status> verdicts =
        new java.util.concurrent.ConcurrentHashMap<>();

    ClassCachingFilter(String pattern) {
      StringBuilder lim = new StringBuilder();
      StringBuilder cls = new StringBuilder();
      for (String part : pattern.split(";")) {
        String t = part.trim();
        if (t.isEmpty()) {
          continue;
        }
        StringBuilder to = t.startsWith("max") && t.contains("=") ? lim : cls;
        to.append(to.length() == 0 ? "" : ";").append(t);
      }
      this.limits = ObjectInputFilter.Config.createFilter(lim.toString());
      this.classes = ObjectInputFilter.Config.createFilter(cls.toString());
    }

    @Override
    public Status checkInput(FilterInfo info) {
      Status limit = limits == null ? Status.UNDECIDED : limits.checkInput(info);
      if (limit == Status.REJECTED) {
        return limit;
      }
      Class<?> c = info.serialClass();
      if (c == null || classes == null) {
        return limit;
      }
      Status v = verdicts.get(c);
      if (v == null) {
        v = classes.checkInput(info);
        if (verdicts.size() < 4096) {
          verdicts.put(c, v);
        }
      }
      return v;
    }
  }

  private abstract static class Fixed<T> implements Codec<T> {
    private final String name;

    Fixed(String name) {
      this.name = name;
    }

    @Override
    public boolean preservesOrder() {
      return true;
    }

    @Override
    public String name() {
      return name;
    }

    void need(byte[] b, int n) {
      if (b.length != n) {
        throw new CacheException(name + " codec expects " + n + " bytes, got " + b.length);
      }
    }
  }

  static final Codec<String> STRING = new Fixed<>("String") {
    @Override
    public byte[] encode(String v) {
      return v.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
  };

  static long getLong(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[at + i] & 0xff);
    }
    return v;
  }

  static void putLong(byte[] b, int at, long v) {
    for (int i = 7; i >= 0; i--) {
      b[at + i] = (byte) v;
      v >>>= 8;
    }
  }

  static final Codec<Long> LONG = new Fixed<>("Long") {
    @Override
    public byte[] encode(Long v) {
      byte[] b = new byte[8];
      putLong(b, 0, v ^ Long.MIN_VALUE);
      return b;
    }

    @Override
    public Long decode(byte[] b) {
      need(b, 8);
      return getLong(b, 0) ^ Long.MIN_VALUE;
    }
  };

  static final Codec<Integer> INTEGER = new Fixed<>("Integer") {
    @Override
    public byte[] encode(Integer v) {
      int x = v ^ Integer.MIN_VALUE;
      return new byte[] {(byte) (x >>> 24), (byte) (x >>> 16), (byte) (x >>> 8), (byte) x};
    }

    @Override
    public Integer decode(byte[] b) {
      need(b, 4);
      int x = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
      return x ^ Integer.MIN_VALUE;
    }
  };

  static final Codec<Short> SHORT = new Fixed<>("Short") {
    @Override
    public byte[] encode(Short v) {
      int x = (v ^ Short.MIN_VALUE) & 0xffff;
      return new byte[] {(byte) (x >>> 8), (byte) x};
    }

    @Override
    public Short decode(byte[] b) {
      need(b, 2);
      return (short) ((((b[0] & 0xff) << 8) | (b[1] & 0xff)) ^ Short.MIN_VALUE);
    }
  };

  static final Codec<Byte> BYTE = new Fixed<>("Byte") {
    @Override
    public byte[] encode(Byte v) {
      return new byte[] {(byte) (v ^ Byte.MIN_VALUE)};
    }

    @Override
    public Byte decode(byte[] b) {
      need(b, 1);
      return (byte) (b[0] ^ Byte.MIN_VALUE);
    }
  };

  static final Codec<Character> CHAR = new Fixed<>("Character") {
    @Override
    public byte[] encode(Character v) {
      return new byte[] {(byte) (v >>> 8), (byte) v.charValue()};
    }

    @Override
    public Character decode(byte[] b) {
      need(b, 2);
      return (char) (((b[0] & 0xff) << 8) | (b[1] & 0xff));
    }
  };

  static final Codec<Boolean> BOOLEAN = new Fixed<>("Boolean") {
    @Override
    public byte[] encode(Boolean v) {
      return new byte[] {(byte) (v ? 1 : 0)};
    }

    @Override
    public Boolean decode(byte[] b) {
      need(b, 1);
      return b[0] != 0;
    }
  };

  static final Codec<Double> DOUBLE = new Fixed<>("Double") {
    @Override
    public byte[] encode(Double v) {
      long bits = Double.doubleToLongBits(v);
      bits ^= bits < 0 ? -1L : Long.MIN_VALUE;
      byte[] b = new byte[8];
      putLong(b, 0, bits);
      return b;
    }

    @Override
    public Double decode(byte[] b) {
      need(b, 8);
      long bits = getLong(b, 0);
      bits ^= bits < 0 ? Long.MIN_VALUE : -1L;
      return Double.longBitsToDouble(bits);
    }
  };

  static final Codec<Float> FLOAT = new Fixed<>("Float") {
    @Override
    public byte[] encode(Float v) {
      int bits = Float.floatToIntBits(v);
      bits ^= bits < 0 ? -1 : Integer.MIN_VALUE;
      return INTEGER.encode(bits ^ Integer.MIN_VALUE);
    }

    @Override
    public Float decode(byte[] b) {
      int bits = INTEGER.decode(b) ^ Integer.MIN_VALUE;
      bits ^= bits < 0 ? Integer.MIN_VALUE : -1;
      return Float.intBitsToFloat(bits);
    }
  };

  static final Codec<UUID> UUID_CODEC = new Fixed<>("UUID") {
    @Override
    public byte[] encode(UUID v) {
      byte[] b = new byte[16];
      putLong(b, 0, v.getMostSignificantBits() ^ Long.MIN_VALUE);
      putLong(b, 8, v.getLeastSignificantBits() ^ Long.MIN_VALUE);
      return b;
    }

    @Override
    public UUID decode(byte[] b) {
      need(b, 16);
      return new UUID(getLong(b, 0) ^ Long.MIN_VALUE, getLong(b, 8) ^ Long.MIN_VALUE);
    }
  };

  static final Codec<byte[]> BYTES = new Fixed<>("byte[]") {
    @Override
    public byte[] encode(byte[] v) {
      return v.clone();
    }

    @Override
    public byte[] decode(byte[] b) {
      return b.clone();
    }
  };

  /** JDK serialization, resolving classes through the cache manager's class loader, guarded by a filter. */
  static final class Serialized<T> implements Codec<T> {
    private final Class<T> type;
    private final ClassLoader loader;
    private final ObjectInputFilter filter;
    /** Classes resolved by name through {@link #loader}, so a decode does not ask the loader each time. */
    private final java.util.concurrent.ConcurrentHashMap<String, Class<?>> classes =
        new java.util.concurrent.ConcurrentHashMap<>();

    Serialized(Class<T> type, ClassLoader loader, ObjectInputFilter filter) {
      this.type = type;
      this.loader = loader;
      this.filter = filter;
    }

    @Override
    public byte[] encode(T value) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(value);
      } catch (NotSerializableException e) {
        throw new IllegalArgumentException("cannot store " + value.getClass().getName() + " by value: it is not "
            + "Serializable and the cache has no codec for it (set one with CairnConfiguration.setKeyCodec/"
            + "setValueCodec, or use store-by-reference)", e);
      } catch (IOException e) {
        throw new CacheException("serializing " + value.getClass().getName() + " failed: " + e.getMessage(), e);
      }
      return bytes.toByteArray();
    }

    @Override
    public T decode(byte[] b) {
      try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(b), loader, classes)) {
        in.setObjectInputFilter(filter);
        return type.cast(in.readObject());
      } catch (InvalidClassException e) {
        throw new CacheException("deserialization refused or failed: " + e.getMessage()
            + " (the serial-filter setting controls which classes a cache may read)", e);
      } catch (IOException | ClassNotFoundException e) {
        throw new CacheException("deserializing a " + type.getName() + " failed: " + e, e);
      }
    }

    @Override
    public String name() {
      return "JDK serialization of " + type.getName();
    }
  }

  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;
    private final java.util.Map<String, Class<?>> resolved;

    LoaderObjectInputStream(ByteArrayInputStream in, ClassLoader loader, java.util.Map<String, Class<?>> resolved)
        throws IOException {
      super(in);
      this.loader = loader;
      this.resolved = resolved;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      String name = desc.getName();
      Class<?> c = resolved.get(name);
      if (c != null) {
        return c;
      }
      try {
        c = Class.forName(name, false, loader);
      } catch (ClassNotFoundException e) {
        c = super.resolveClass(desc);
      }
      if (resolved.size() < 4096) {
        resolved.put(name, c);
      }
      return c;
    }
  }

  /**
   * For caches typed {@code Object}: a type byte, then the built-in encoding of that type, or serialization.
   *
   * <p>The type bytes are part of the on-disk format (a persistent cache's files, a remote cache's Redis values), so
   * each type's code is written out here and never derived from a position: a new type takes a new code, and a
   * code once given is never reused.
   * <pre>
   * 0x01 String   0x02 Integer  0x03 Long     0x04 byte[]   0x05 UUID     0x06 Double
   * 0x07 Short    0x08 Boolean  0x09 Float    0x0a Character 0x0b Byte   0x7f JDK serialization
   * </pre>
   */
  static final class Tagged implements Codec<Object> {
    private static final byte SERIALIZED = 0x7f;
    /** Type code to type; the codes above. */
    private static final Map<Byte, Class<?>> TYPES = Map.ofEntries(Map.entry((byte) 0x01, String.class),
        Map.entry((byte) 0x02, Integer.class), Map.entry((byte) 0x03, Long.class), Map.entry((byte) 0x04, byte[].class),
        Map.entry((byte) 0x05, UUID.class), Map.entry((byte) 0x06, Double.class), Map.entry((byte) 0x07, Short.class),
        Map.entry((byte) 0x08, Boolean.class), Map.entry((byte) 0x09, Float.class),
        Map.entry((byte) 0x0a, Character.class), Map.entry((byte) 0x0b, Byte.class));
    private static final Map<Class<?>, Byte> TAGS;

    static {
      java.util.HashMap<Class<?>, Byte> m = new java.util.HashMap<>();
      TYPES.forEach((code, type) -> m.put(type, code));
      TAGS = Map.copyOf(m);
    }

    private final Serialized<Object> fallback;

    Tagged(Serialized<Object> fallback) {
      this.fallback = fallback;
    }

    @Override
    @SuppressWarnings("unchecked")
    public byte[] encode(Object v) {
      Byte tag = TAGS.get(v.getClass());
      byte[] body = tag == null ? fallback.encode(v) : ((Codec<Object>) builtIn(v.getClass())).encode(v);
      byte[] out = new byte[body.length + 1];
      out[0] = tag == null ? SERIALIZED : tag.byteValue();
      System.arraycopy(body, 0, out, 1, body.length);
      return out;
    }

    @Override
    public Object decode(byte[] b) {
      if (b.length == 0) {
        throw new CacheException("empty encoding: not written by Cairn's tagged codec");
      }
      byte[] body = Arrays.copyOfRange(b, 1, b.length);
      if (b[0] == SERIALIZED) {
        return fallback.decode(body);
      }
      Class<?> type = TYPES.get(b[0]);
      if (type == null) {
        throw new CacheException("unknown type tag " + b[0] + " in a stored key or value");
      }
      return builtIn(type).decode(body);
    }

    @Override
    public String name() {
      return "tagged (type byte, then the type's codec or JDK serialization)";
    }
  }
}
