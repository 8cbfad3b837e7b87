package io.cairn.jcache;

import java.io.Externalizable;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.cache.CacheException;

/**
 * The value codec of store-by-value caches whose encodings never leave this process (neither persistent nor remote):
 * a value of a class whose serialized form is its fields alone is copied field by field through reflection, which
 * makes the copy JDK serialization would make at a small part of its cost; any other value is serialized.
 *
 * <h2>Which classes</h2>
 * The configured value class qualifies when JDK serialization of it would do nothing but write and read its fields:
 * it is {@link Serializable}, neither {@link Externalizable}, a record, an enum nor abstract; no class of its
 * serializable hierarchy declares {@code writeObject}, {@code readObject}, {@code readObjectNoData} or
 * {@code serialPersistentFields}, and no class of its hierarchy declares {@code writeReplace} or {@code readResolve};
 * its first non-serializable superclass has the no-argument constructor serialization calls; every field
 * serialization writes (non-static, non-transient, of each serializable class) is a primitive, a String, a boxed
 * primitive, an enum or an array of primitives; and the serial filter admits every class a serialized value would
 * name (its serializable classes, its fields' types and their serializable superclasses). The filter's limits
 * (maxarray, maxbytes, maxdepth, maxrefs) guard bytes that come from outside; a field copy is made and read in this
 * process, so they apply to serialized values only. A decoded copy is made as serialization makes one: allocated
 * without running the constructors of its serializable classes (transient fields keep their defaults), then its
 * fields are set, boxed primitives as new boxes (not the ones {@code valueOf} shares). Two fields of one value that
 * refer to the same object still do in the copy. Values of a subclass of the configured class, and values of a class
 * that does not qualify, go through {@link Codecs.Serialized}. The bytes never leave the cache:
 * {@link CairnCache#valueCodec} gives callers the serialization instead ({@link #portable}).
 *
 * <h2>Format</h2>
 * Not stable between processes, so never written to a file or to Redis: {@code 0x01}, then each field in the order of
 * {@link #slots}, primitives big-endian, floating point as serialization writes it (one NaN); a reference field is a
 * tag byte (0 null, 1 a value follows, 2 the same object as the reference field whose index follows as an int), a
 * String a flag (0 Latin-1 bytes, 1 UTF-16 chars), its length and its units, a boxed primitive its primitive, an enum
 * its ordinal, an array its length and its elements. Anything else is a JDK serialization stream, which begins with
 * {@code 0xAC}.
 *
 * <p>Thread-safety: immutable once built.
 *
 * @param <T> the value type
 */
final class FieldCodec<T> implements Codec<T> {
  private static final byte FIELDS = 0x01;
  private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** A field's kind; an array kind knows the bytes an element takes. */
  private enum Kind {
    BOOLEAN, BYTE, CHAR, SHORT, INT, LONG, FLOAT, DOUBLE, STRING, BOXED, ENUM,
    BOOLEANS(1), BYTES(1), CHARS(2), SHORTS(2), INTS(4), LONGS(8), FLOATS(4), DOUBLES(8);

    /** Bytes per element of an array kind; 0 for the others. */
    final int width;

    Kind() {
      this(0);
    }

    Kind(int width) {
      this.width = width;
    }
  }

  private static final Map<Class<?>, Kind> KINDS = Map.ofEntries(Map.entry(boolean.class, Kind.BOOLEAN),
      Map.entry(byte.class, Kind.BYTE), Map.entry(char.class, Kind.CHAR), Map.entry(short.class, Kind.SHORT),
      Map.entry(int.class, Kind.INT), Map.entry(long.class, Kind.LONG), Map.entry(float.class, Kind.FLOAT),
      Map.entry(double.class, Kind.DOUBLE), Map.entry(String.class, Kind.STRING), Map.entry(Boolean.class, Kind.BOXED),
      Map.entry(Byte.class, Kind.BOXED), Map.entry(Character.class, Kind.BOXED), Map.entry(Short.class, Kind.BOXED),
      Map.entry(Integer.class, Kind.BOXED), Map.entry(Long.class, Kind.BOXED), Map.entry(Float.class, Kind.BOXED),
      Map.entry(Double.class, Kind.BOXED), Map.entry(boolean[].class, Kind.BOOLEANS),
      Map.entry(byte[].class, Kind.BYTES), Map.entry(char[].class, Kind.CHARS), Map.entry(short[].class, Kind.SHORTS),
      Map.entry(int[].class, Kind.INTS), Map.entry(long[].class, Kind.LONGS), Map.entry(float[].class, Kind.FLOATS),
      Map.entry(double[].class, Kind.DOUBLES));

  /** One field a value's copy carries. */
  private record Slot(Field field, Kind kind, Class<?> type, int ref, Object[] constants) {}

  private final Class<T> type;
  private final Codec<T> serialized;
  private final Constructor<?> create;
  private final Slot[] slots;
  /** Reference fields: those an alias can point back to. */
  private final int refs;
  /** The size of an encoding made lately, where the next one's buffer starts (racy by design: only a hint). */
  private int lastSize = 64;
  /** The largest buffer a hint starts with: one large value must not make every later encoding allocate as much. */
  private static final int MAX_HINT = 8192;

  private FieldCodec(Class<T> type, Codec<T> serialized, Constructor<?> create, Slot[] slots, int refs) {
    this.type = type;
    this.serialized = serialized;
    this.create = create;
    this.slots = slots;
    this.refs = refs;
  }

  /**
   * The codec for values of {@code type} in a cache whose encodings stay in this process: field by field if the class
   * qualifies (see the class comment), else {@code serialized} itself.
   */
  static <T> Codec<T> of(Class<T> type, Codec<T> serialized, ObjectInputFilter filter) {
    if (whyNot(type, filter) != null) {
      return serialized;
    }
    try {
      Constructor<?> create = serializationConstructor(type);
      if (create == null) {
        return serialized;
      }
      List<Slot> slots = new ArrayList<>();
      int refs = 0;
      for (Field f : serializedFields(type)) {
        f.setAccessible(true);
        Class<?> ft = f.getType();
        Kind kind = ft.isEnum() ? Kind.ENUM : KINDS.get(ft);
        slots.add(new Slot(f, kind, ft, ft.isPrimitive() ? -1 : refs, ft.isEnum() ? ft.getEnumConstants() : null));
        if (!ft.isPrimitive()) {
          refs++;
        }
      }
      return new FieldCodec<>(type, serialized, create, slots.toArray(new Slot[0]), refs);
    } catch (RuntimeException e) {
      // A class of a module that does not open its package to Cairn (setAccessible refuses), or a constructor that
      // cannot be made: serialization copes with those.
      return serialized;
    }
  }

  /**
   * The codec whose bytes any process can read, for callers outside the cache ({@link CairnCache#valueCodec}, and
   * through it Cairn server's view of an application's caches): {@code codec} itself, or the serialization a field
   * codec falls back to.
   */
  static <T> Codec<T> portable(Codec<T> codec) {
    return codec instanceof FieldCodec<T> f ? f.serialized : codec;
  }

  /** Why values of {@code type} cannot be copied field by field, or null if they can. */
  static String whyNot(Class<?> type, ObjectInputFilter filter) {
    if (!Serializable.class.isAssignableFrom(type)) {
      return "not Serializable";
    }
    if (Externalizable.class.isAssignableFrom(type) || type.isRecord() || type.isEnum() || type.isArray()
        || type.isInterface() || type.isPrimitive() || Modifier.isAbstract(type.getModifiers()) || type.isHidden()) {
      return "Externalizable, a record, an enum, an array, abstract or hidden";
    }
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (declares(c, "writeReplace") || declares(c, "readResolve")) {
        return c.getName() + " declares writeReplace or readResolve";
      }
      if (!Serializable.class.isAssignableFrom(c)) {
        continue;
      }
      if (declares(c, "writeObject", ObjectOutputStream.class) || declares(c, "readObject", ObjectInputStream.class)
          || declares(c, "readObjectNoData")) {
        return c.getName() + " serializes itself (writeObject, readObject or readObjectNoData)";
      }
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getName().equals("serialPersistentFields")) {
          return c.getName() + " names its serialized fields (serialPersistentFields)";
        }
      }
    }
    for (Field f : serializedFields(type)) {
      Class<?> ft = f.getType();
      if (!ft.isEnum() && !KINDS.containsKey(ft)) {
        return "field " + f.getDeclaringClass().getName() + "." + f.getName() + " is a " + ft.getName();
      }
    }
    if (filter != null) {
      for (Class<?> c : streamClasses(type)) {
        if (filter.checkInput(new Admission(c, c.isArray() ? 0 : -1)) == ObjectInputFilter.Status.REJECTED) {
          return "the serial filter rejects " + c.getName();
        }
      }
    }
    return null;
  }

  /**
   * The classes a serialization stream of a {@code type} value names, which deserializing it puts to the serial
   * filter: each serializable class of its hierarchy, and each field's type but String with its serializable
   * superclasses ({@code Number} for a boxed number, {@code Enum} for an enum).
   */
  private static java.util.Set<Class<?>> streamClasses(Class<?> type) {
    java.util.Set<Class<?>> out = new java.util.LinkedHashSet<>(serializableHierarchy(type));
    for (Field f : serializedFields(type)) {
      Class<?> ft = f.getType();
      if (ft.isPrimitive() || ft == String.class) {
        continue; // a stream writes a String without a class descriptor, so the filter is not asked about it
      }
      out.addAll(serializableHierarchy(ft));
    }
    return out;
  }

  /** {@code type} and its superclasses up to the first that is not Serializable, the topmost first. */
  private static List<Class<?>> serializableHierarchy(Class<?> type) {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> c = type; c != null && Serializable.class.isAssignableFrom(c); c = c.getSuperclass()) {
      out.add(0, c);
    }
    return out;
  }

  /**
   * The fields serialization writes for a {@code type} value, in the order this codec writes them: the non-static,
   * non-transient fields of each serializable class, the topmost class first.
   */
  private static List<Field> serializedFields(Class<?> type) {
    List<Field> out = new ArrayList<>();
    for (Class<?> c : serializableHierarchy(type)) {
      for (Field f : c.getDeclaredFields()) {
        int m = f.getModifiers();
        if (!Modifier.isStatic(m) && !Modifier.isTransient(m)) {
          out.add(f);
        }
      }
    }
    return out;
  }

  private static boolean declares(Class<?> c, String method, Class<?>... params) {
    try {
      c.getDeclaredMethod(method, params);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /**
   * What the serial filter is asked about a class: whether it may appear at all (its limits on sizes and depths are
   * for serialized bytes, which a field copy, made and read in this process, never is).
   */
  private record Admission(Class<?> serialClass, long arrayLength) implements ObjectInputFilter.FilterInfo {
    @Override
    public long depth() {
      return 1;
    }

    @Override
    public long references() {
      return 1;
    }

    @Override
    public long streamBytes() {
      return 0;
    }
  }

  /**
   * The constructor serialization creates {@code type}'s instances with (its first non-serializable superclass's
   * no-argument constructor, run on an instance of {@code type}), from the JDK's {@code sun.reflect.ReflectionFactory}
   * (module jdk.unsupported); null where it has none or the JDK lacks that class.
   */
  private static Constructor<?> serializationConstructor(Class<?> type) {
    try {
      Class<?> factoryClass = Class.forName("sun.reflect.ReflectionFactory");
      Object factory = factoryClass.getMethod("getReflectionFactory").invoke(null);
      Constructor<?> c = (Constructor<?>) factoryClass.getMethod("newConstructorForSerialization", Class.class)
          .invoke(factory, type);
      if (c != null) {
        c.setAccessible(true);
      }
      return c;
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }

  @Override
  public byte[] encode(T value) {
    if (value.getClass() != type) {
      return serialized.encode(value);
    }
    try {
      Out out = new Out(Math.min(lastSize, MAX_HINT));
      out.b[out.n++] = FIELDS;
      Object[] seen = refs > 1 ? new Object[refs] : null;
      for (Slot s : slots) {
        write(out, s, value, seen);
      }
      lastSize = out.n;
      return out.n == out.b.length ? out.b : Arrays.copyOf(out.b, out.n);
    } catch (IllegalAccessException e) {
      throw new CacheException("copying a " + type.getName() + " failed: " + e, e);
    }
  }

  private void write(Out out, Slot s, Object value, Object[] seen) throws IllegalAccessException {
    Field f = s.field;
    switch (s.kind) {
      case BOOLEAN -> out.u8(f.getBoolean(value) ? 1 : 0);
      case BYTE -> out.u8(f.getByte(value));
      case CHAR -> out.u16(f.getChar(value));
      case SHORT -> out.u16(f.getShort(value));
      case INT -> out.i32(f.getInt(value));
      case LONG -> out.i64(f.getLong(value));
      case FLOAT -> out.i32(Float.floatToIntBits(f.getFloat(value)));
      case DOUBLE -> out.i64(Double.doubleToLongBits(f.getDouble(value)));
      default -> {
        Object r = f.get(value);
        if (r == null) {
          out.u8(0);
          return;
        }
        if (seen != null) {
          for (int i = 0; i < s.ref; i++) {
            if (seen[i] == r) {
              out.u8(2);
              out.i32(i);
              seen[s.ref] = r;
              return;
            }
          }
          seen[s.ref] = r;
        }
        out.u8(1);
        writeObject(out, s.kind, r);
      }
    }
  }

  private static void writeObject(Out out, Kind kind, Object r) {
    switch (kind) {
      case STRING -> {
        String str = (String) r;
        int n = str.length();
        boolean latin1 = true;
        for (int i = 0; i < n && latin1; i++) {
          latin1 = str.charAt(i) < 256;
        }
        out.u8(latin1 ? 0 : 1);
        out.i32(n);
        if (latin1) {
          out.raw(str.getBytes(StandardCharsets.ISO_8859_1));
        } else {
          out.room(2L * n);
          for (int i = 0; i < n; i++) {
            out.u16(str.charAt(i));
          }
        }
      }
      case BOXED -> {
        if (r instanceof Integer v) {
          out.i32(v);
        } else if (r instanceof Long v) {
          out.i64(v);
        } else if (r instanceof Double v) {
          out.i64(Double.doubleToLongBits(v));
        } else if (r instanceof Float v) {
          out.i32(Float.floatToIntBits(v));
        } else if (r instanceof Short v) {
          out.u16(v);
        } else if (r instanceof Character v) {
          out.u16(v);
        } else if (r instanceof Byte v) {
          out.u8(v);
        } else {
          out.u8((Boolean) r ? 1 : 0);
        }
      }
      case ENUM -> out.i32(((Enum<?>) r).ordinal());
      default -> writeArray(out, kind, r);
    }
  }

  /**
   * A primitive array: its length, then its elements big-endian; floating point canonical (one NaN), as serialization
   * writes it, which the buffers' bulk views would not do.
   */
  private static void writeArray(Out out, Kind kind, Object array) {
    int n = java.lang.reflect.Array.getLength(array);
    out.i32(n);
    if (kind == Kind.BYTES) {
      out.raw((byte[]) array);
      return;
    }
    int bytes = Math.multiplyExact(n, kind.width);
    out.room(bytes);
    ByteBuffer to = ByteBuffer.wrap(out.b, out.n, bytes);
    switch (kind) {
      case BOOLEANS -> {
        for (boolean x : (boolean[]) array) {
          to.put((byte) (x ? 1 : 0));
        }
      }
      case CHARS -> to.asCharBuffer().put((char[]) array);
      case SHORTS -> to.asShortBuffer().put((short[]) array);
      case INTS -> to.asIntBuffer().put((int[]) array);
      case LONGS -> to.asLongBuffer().put((long[]) array);
      case FLOATS -> {
        for (float x : (float[]) array) {
          to.putInt(Float.floatToIntBits(x));
        }
      }
      case DOUBLES -> {
        for (double x : (double[]) array) {
          to.putLong(Double.doubleToLongBits(x));
        }
      }
      default -> throw new IllegalStateException("not an array kind: " + kind);
    }
    out.n += bytes;
  }

  @Override
  public T decode(byte[] bytes) {
    if (bytes.length == 0 || bytes[0] != FIELDS) {
      return serialized.decode(bytes);
    }
    try {
      Object value = create.newInstance();
      In in = new In(bytes, 1);
      Object[] seen = refs > 1 ? new Object[refs] : null;
      for (Slot s : slots) {
        read(in, s, value, seen);
      }
      if (in.at != bytes.length) {
        throw new IllegalStateException(bytes.length - in.at + " bytes after the last field");
      }
      return type.cast(value);
    } catch (InstantiationException | IllegalAccessException | InvocationTargetException | RuntimeException e) {
      throw new CacheException("copying a " + type.getName() + " back from its " + bytes.length + " bytes failed: "
          + e, e);
    }
  }

  private static void read(In in, Slot s, Object value, Object[] seen) throws IllegalAccessException {
    Field f = s.field;
    switch (s.kind) {
      case BOOLEAN -> f.setBoolean(value, in.u8() != 0);
      case BYTE -> f.setByte(value, (byte) in.u8());
      case CHAR -> f.setChar(value, (char) in.u16());
      case SHORT -> f.setShort(value, (short) in.u16());
      case INT -> f.setInt(value, in.i32());
      case LONG -> f.setLong(value, in.i64());
      case FLOAT -> f.setFloat(value, Float.intBitsToFloat(in.i32()));
      case DOUBLE -> f.setDouble(value, Double.longBitsToDouble(in.i64()));
      default -> {
        int tag = in.u8();
        Object r;
        if (tag == 0) {
          r = null;
        } else if (tag == 2) {
          r = seen[in.i32()];
        } else {
          r = readObject(in, s);
        }
        if (seen != null) {
          seen[s.ref] = r;
        }
        f.set(value, r);
      }
    }
  }

  private static Object readObject(In in, Slot s) {
    switch (s.kind) {
      case STRING -> {
        boolean latin1 = in.u8() == 0;
        int n = in.length(latin1 ? 1 : 2);
        if (latin1) {
          String str = new String(in.b, in.at, n, StandardCharsets.ISO_8859_1);
          in.at += n;
          return str;
        }
        char[] cs = new char[n];
        for (int i = 0; i < n; i++) {
          cs[i] = (char) in.u16();
        }
        return new String(cs);
      }
      case BOXED -> {
        return box(in, s.type);
      }
      case ENUM -> {
        return s.constants[in.i32()];
      }
      default -> {
        return readArray(in, s.kind);
      }
    }
  }

  /** A primitive array {@link #writeArray} wrote. */
  private static Object readArray(In in, Kind kind) {
    int n = in.length(kind.width);
    int start = in.at;
    in.at += n * kind.width;
    if (kind == Kind.BYTES) {
      return Arrays.copyOfRange(in.b, start, in.at);
    }
    ByteBuffer from = ByteBuffer.wrap(in.b, start, n * kind.width);
    switch (kind) {
      case BOOLEANS -> {
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) {
          a[i] = from.get() != 0;
        }
        return a;
      }
      case CHARS -> {
        char[] a = new char[n];
        from.asCharBuffer().get(a);
        return a;
      }
      case SHORTS -> {
        short[] a = new short[n];
        from.asShortBuffer().get(a);
        return a;
      }
      case INTS -> {
        int[] a = new int[n];
        from.asIntBuffer().get(a);
        return a;
      }
      case LONGS -> {
        long[] a = new long[n];
        from.asLongBuffer().get(a);
        return a;
      }
      case FLOATS -> {
        float[] a = new float[n];
        from.asFloatBuffer().get(a);
        return a;
      }
      case DOUBLES -> {
        double[] a = new double[n];
        from.asDoubleBuffer().get(a);
        return a;
      }
      default -> throw new IllegalStateException("not an array kind: " + kind);
    }
  }

  /**
   * A boxed primitive as deserialization makes it: a new object, never one of the boxes {@code valueOf} shares, so
   * that identity (==, a lock on the field) behaves as in a serialized copy.
   */
  @SuppressWarnings("removal") // the box constructors are what makes a box no other value shares
  private static Object box(In in, Class<?> t) {
    if (t == Integer.class) {
      return new Integer(in.i32());
    } else if (t == Long.class) {
      return new Long(in.i64());
    } else if (t == Double.class) {
      return new Double(Double.longBitsToDouble(in.i64()));
    } else if (t == Float.class) {
      return new Float(Float.intBitsToFloat(in.i32()));
    } else if (t == Short.class) {
      return new Short((short) in.u16());
    } else if (t == Character.class) {
      return new Character((char) in.u16());
    } else if (t == Byte.class) {
      return new Byte((byte) in.u8());
    }
    return new Boolean(in.u8() != 0);
  }

  @Override
  public String name() {
    return "fields of " + type.getName() + " (this process only), else JDK serialization";
  }

  /** A growing buffer of the encoding. */
  private static final class Out {
    /** The largest array the JVM makes. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    byte[] b;
    int n;

    Out(int size) {
      b = new byte[size];
    }

    void room(long more) {
      if (b.length - n < more) {
        long need = n + more;
        if (need > MAX_ARRAY) {
          throw new IllegalArgumentException("a value's fields take more than " + MAX_ARRAY + " bytes");
        }
        b = Arrays.copyOf(b, (int) Math.min(MAX_ARRAY, Math.max(2L * b.length, need)));
      }
    }

    void u8(int v) {
      room(1);
      b[n++] = (byte) v;
    }

    void u16(int v) {
      room(2);
      SHORTS.set(b, n, (short) v);
      n += 2;
    }

    void i32(int v) {
      room(4);
      INTS.set(b, n, v);
      n += 4;
    }

    void i64(long v) {
      room(8);
      LONGS.set(b, n, v);
      n += 8;
    }

    void raw(byte[] a) {
      room(a.length);
      System.arraycopy(a, 0, b, n, a.length);
      n += a.length;
    }
  }

  /** A cursor over an encoding; reads past its end throw (an array index out of bounds). */
  private static final class In {
    final byte[] b;
    int at;

    In(byte[] b, int at) {
      this.b = b;
      this.at = at;
    }

    int u8() {
      return b[at++] & 0xff;
    }

    int u16() {
      int v = (short) SHORTS.get(b, at) & 0xffff;
      at += 2;
      return v;
    }

    int i32() {
      int v = (int) INTS.get(b, at);
      at += 4;
      return v;
    }

    long i64() {
      long v = (long) LONGS.get(b, at);
      at += 8;
      return v;
    }

    /** An array or String length, checked against the bytes left for units of {@code unit} bytes. */
    int length(int unit) {
      int n = i32();
      if (n < 0 || (long) n * unit > b.length - at) {
        throw new IllegalStateException("a length of " + n + " with " + (b.length - at) + " bytes left");
      }
      return n;
    }
  }
}
