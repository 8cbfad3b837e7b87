package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutput;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The field-by-field codec of store-by-value caches whose bytes stay in the process: for each class it takes, the copy
 * it makes is the copy JDK serialization makes (checked against a real serialization round trip), and every class
 * whose serialized form is more than its fields is left to serialization.
 */
class FieldCodecTest {
  enum Colour { RED, GREEN { } }

  /** Not serializable: serialization runs this constructor on each copy, and so must the codec. */
  static class Base {
    int baseField;
    String byConstructor;

    Base() {
      byConstructor = "set by Base()";
    }
  }

  static class Middle extends Base implements Serializable {
    private static final long serialVersionUID = 1L;
    long middle;
    String middleName;
  }

  static final class Everything extends Middle {
    private static final long serialVersionUID = 1L;
    static int notCopied = 5;
    boolean z;
    byte b;
    char c;
    short s;
    int i;
    long j;
    float f;
    double d;
    final String latin;
    String wide;
    String none;
    Integer boxedInt;
    Long boxedLong;
    Double boxedDouble;
    Float boxedFloat;
    Short boxedShort;
    Character boxedChar;
    Byte boxedByte;
    Boolean boxedBool;
    Colour colour;
    Colour bodied;
    boolean[] zs;
    byte[] bs;
    char[] cs;
    short[] ss;
    int[] is;
    long[] js;
    float[] fs;
    double[] ds;
    byte[] sameAsBs;
    transient int skipped = 99;
    transient String skippedToo = "init";

    Everything(String latin) {
      this.latin = latin;
    }
  }

  static Everything sample() {
    Everything e = new Everything("café ÿ");
    e.baseField = 7;
    e.middle = -3;
    e.middleName = "middle";
    e.z = true;
    e.b = -2;
    e.c = '\uffff';
    e.s = Short.MIN_VALUE;
    e.i = Integer.MIN_VALUE;
    e.j = Long.MAX_VALUE;
    e.f = Float.intBitsToFloat(0x7fc00001);
    e.d = -0.0;
    e.wide = "Ω \ud83d\ude00 and a lone \ud800";
    e.boxedInt = -1;
    e.boxedLong = 1L << 40;
    e.boxedDouble = Double.NaN;
    e.boxedFloat = 1.5f;
    e.boxedShort = (short) 300;
    e.boxedChar = 'x';
    e.boxedByte = (byte) 0x80;
    e.boxedBool = Boolean.FALSE;
    e.colour = Colour.RED;
    e.bodied = Colour.GREEN;
    e.zs = new boolean[] {true, false};
    e.bs = new byte[] {1, 2, 3};
    e.cs = new char[] {'a', '\u0100'};
    e.ss = new short[] {-1};
    e.is = new int[0];
    e.js = new long[] {Long.MIN_VALUE, 0};
    e.fs = new float[] {Float.NEGATIVE_INFINITY};
    e.ds = new double[] {Math.PI, Double.MIN_VALUE};
    e.sameAsBs = e.bs;
    e.skipped = 42;
    e.skippedToo = "changed";
    return e;
  }

  @SuppressWarnings("unchecked")
  static <T> T serializationCopy(T value) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  private static <T> Codec<T> codec(Class<T> type) {
    return Codecs.forValues(type, FieldCodecTest.class.getClassLoader(), null, true);
  }

  @Test
  void aCopyIsTheCopySerializationMakes() throws Exception {
    Codec<Everything> codec = codec(Everything.class);
    assertInstanceOf(FieldCodec.class, codec, "Everything's serialized form is its fields");
    Everything original = sample();
    byte[] bytes = codec.encode(original);
    assertEquals(0x01, bytes[0], "field encoding, not a serialization stream");
    Everything copy = codec.decode(bytes);
    Everything expected = serializationCopy(original);
    assertNotSame(original, copy);
    assertSameFields(expected, copy);
    assertEquals(0, copy.skipped, "a transient field keeps its default, as serialization leaves it");
    assertNull(copy.skippedToo, "no initializer of a serializable class runs");
    assertEquals("set by Base()", copy.byConstructor, "the non-serializable superclass's constructor runs");
    assertEquals(0, copy.baseField, "and its fields are not copied");
    assertSame(copy.bs, copy.sameAsBs, "two fields that shared an array still share one");
    assertNotSame(original.bs, copy.bs);
    assertSame(Colour.GREEN, copy.bodied, "an enum constant with a body is the constant itself");
    assertEquals(expected.boxedBool == Boolean.FALSE, copy.boxedBool == Boolean.FALSE,
        "a boxed field is a box of its own, as in a serialized copy");
    assertEquals(expected.boxedInt == Integer.valueOf(-1), copy.boxedInt == Integer.valueOf(-1));
  }

  @Test
  void nullsAndEmptiesRoundTrip() throws Exception {
    Codec<Everything> codec = codec(Everything.class);
    Everything sparse = new Everything("");
    Everything copy = codec.decode(codec.encode(sparse));
    assertSameFields(serializationCopy(sparse), copy);
    assertNull(copy.bs);
    assertNull(copy.colour);
  }

  private static void assertSameFields(Everything want, Everything got) {
    assertEquals(want.middle, got.middle);
    assertEquals(want.middleName, got.middleName);
    assertEquals(want.z, got.z);
    assertEquals(want.b, got.b);
    assertEquals(want.c, got.c);
    assertEquals(want.s, got.s);
    assertEquals(want.i, got.i);
    assertEquals(want.j, got.j);
    assertEquals(Float.floatToRawIntBits(want.f), Float.floatToRawIntBits(got.f));
    assertEquals(Double.doubleToRawLongBits(want.d), Double.doubleToRawLongBits(got.d));
    assertEquals(want.latin, got.latin);
    assertEquals(want.wide, got.wide);
    assertEquals(want.none, got.none);
    assertEquals(want.boxedInt, got.boxedInt);
    assertEquals(want.boxedLong, got.boxedLong);
    assertEquals(want.boxedDouble, got.boxedDouble);
    assertEquals(want.boxedFloat, got.boxedFloat);
    assertEquals(want.boxedShort, got.boxedShort);
    assertEquals(want.boxedChar, got.boxedChar);
    assertEquals(want.boxedByte, got.boxedByte);
    assertEquals(want.boxedBool, got.boxedBool);
    assertEquals(want.colour, got.colour);
    assertEquals(want.bodied, got.bodied);
    assertArrayEquals(want.zs, got.zs);
    assertArrayEquals(want.bs, got.bs);
    assertArrayEquals(want.cs, got.cs);
    assertArrayEquals(want.ss, got.ss);
    assertArrayEquals(want.is, got.is);
    assertArrayEquals(want.js, got.js);
    assertArrayEquals(want.fs, got.fs);
    assertArrayEquals(want.ds, got.ds);
    assertArrayEquals(want.sameAsBs, got.sameAsBs);
    assertEquals(want.skipped, got.skipped);
    assertEquals(want.skippedToo, got.skippedToo);
    assertEquals(want.byConstructor, got.byConstructor);
    assertEquals(want.baseField, got.baseField);
  }

  static class Plain implements Serializable {
    private static final long serialVersionUID = 1L;
    int n;

    @Override
    public boolean equals(Object o) {
      return o instanceof Plain p && p.getClass() == getClass() && p.n == n;
    }

    @Override
    public int hashCode() {
      return n;
    }
  }

  static class Sub extends Plain {
    private static final long serialVersionUID = 1L;
    List<String> more = List.of("a");
  }

  @Test
  void aSubclassValueIsSerializedAndComesBackAsItself() {
    Codec<Plain> codec = codec(Plain.class);
    assertInstanceOf(FieldCodec.class, codec);
    Sub sub = new Sub();
    sub.n = 3;
    byte[] bytes = codec.encode(sub);
    assertEquals((byte) 0xac, bytes[0], "a serialization stream");
    Plain back = codec.decode(bytes);
    assertInstanceOf(Sub.class, back);
    assertEquals(3, back.n);
    assertEquals(List.of("a"), ((Sub) back).more);
  }

  @Test
  void bytesSerializationWroteAreStillRead() {
    Codec<Plain> codec = codec(Plain.class);
    Plain p = new Plain();
    p.n = 11;
    byte[] serialized = new Codecs.Serialized<>(Plain.class, getClass().getClassLoader(), null).encode(p);
    assertEquals(p, codec.decode(serialized));
  }

  static class WritesItself implements Serializable {
    private static final long serialVersionUID = 1L;
    int n;

    private void writeObject(ObjectOutputStream out) throws IOException {
      out.defaultWriteObject();
    }
  }

  static class Replaced implements Serializable {
    private static final long serialVersionUID = 1L;

    Object writeReplace() {
      return this;
    }
  }

  static class ResolvedAbove {
    protected Object readResolve() {
      return this;
    }
  }

  static class InheritsReadResolve extends ResolvedAbove implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  static class External implements Externalizable {
    private static final long serialVersionUID = 1L;

    @Override
    public void writeExternal(ObjectOutput out) {}

    @Override
    public void readExternal(ObjectInput in) {}
  }

  record Point(int x, int y) implements Serializable {}

  static class HoldsAList implements Serializable {
    private static final long serialVersionUID = 1L;
    List<String> names;
  }

  static class NamesItsFields implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final java.io.ObjectStreamField[] serialPersistentFields = {};
    int n;
  }

  static class NotSerializable {
    int n;
  }

  static class NoDefaultConstructorAbove {
    NoDefaultConstructorAbove(int ignored) {}
  }

  static class AboveHasNoConstructor extends NoDefaultConstructorAbove implements Serializable {
    private static final long serialVersionUID = 1L;

    AboveHasNoConstructor() {
      super(1);
    }
  }

  @Test
  void classesWhoseSerializedFormIsMoreThanFieldsAreSerialized() {
    for (Class<?> c : List.of(WritesItself.class, Replaced.class, InheritsReadResolve.class, External.class,
        Point.class, HoldsAList.class, NamesItsFields.class, NotSerializable.class, AboveHasNoConstructor.class,
        java.util.ArrayList.class, java.util.Date.class)) {
      Codec<?> codec = codec(c);
      assertInstanceOf(Codecs.Serialized.class, codec, c.getName() + " goes through serialization");
    }
    assertTrue(FieldCodec.whyNot(HoldsAList.class, null).contains("names"),
        "the reason names the field: " + FieldCodec.whyNot(HoldsAList.class, null));
    assertNull(FieldCodec.whyNot(Plain.class, null));
  }

  static class HasABox implements Serializable {
    private static final long serialVersionUID = 1L;
    Integer n = 1;
  }

  /** Deserializing a HasABox names Integer and Number too: an allow-list of HasABox alone refuses it. */
  @Test
  void aFilterThatRefusesAFieldsClassLeavesTheValueToSerialization() {
    ObjectInputFilter filter = Codecs.filter(HasABox.class.getName() + ";!*");
    Codec<HasABox> codec = Codecs.forValues(HasABox.class, getClass().getClassLoader(), filter, true);
    assertInstanceOf(Codecs.Serialized.class, codec);
    String why = FieldCodec.whyNot(HasABox.class, filter);
    assertTrue(why.contains("java.lang."), why);
    byte[] bytes = codec.encode(new HasABox());
    assertThrows(CacheException.class, () -> codec.decode(bytes));
    ObjectInputFilter admitting = Codecs.filter(HasABox.class.getName() + ";java.lang.*;!*");
    assertInstanceOf(FieldCodec.class, Codecs.forValues(HasABox.class, getClass().getClassLoader(), admitting, true));
  }

  @Test
  void aClassTheSerialFilterRejectsIsLeftToSerializationWhichRefusesIt() {
    ObjectInputFilter filter = Codecs.filter("!" + Plain.class.getName());
    Codec<Plain> codec = Codecs.forValues(Plain.class, getClass().getClassLoader(), filter, true);
    assertInstanceOf(Codecs.Serialized.class, codec);
    byte[] bytes = codec.encode(new Plain());
    assertThrows(CacheException.class, () -> codec.decode(bytes));
  }

  @Test
  void cutOrPaddedBytesFailNamingTheClass() {
    Codec<Everything> codec = codec(Everything.class);
    byte[] bytes = codec.encode(sample());
    CacheException cut = assertThrows(CacheException.class, () -> codec.decode(Arrays.copyOf(bytes, bytes.length - 3)));
    assertTrue(cut.getMessage().contains(Everything.class.getName()), cut.getMessage());
    CacheException padded = assertThrows(CacheException.class,
        () -> codec.decode(Arrays.copyOf(bytes, bytes.length + 1)));
    assertTrue(padded.getMessage().contains("1 bytes after the last field"), padded.getMessage());
  }

  /** Only caches whose bytes stay in the process take it: persistent files must be read by the next process. */
  @Test
  void onlyCachesWhoseBytesStayHereUseIt(@TempDir Path dir) {
    try (CacheManager m = TestManagers.open("field-codec", dir)) {
      CairnConfiguration<Integer, Plain> heap = new CairnConfiguration<Integer, Plain>()
          .setTypes(Integer.class, Plain.class).setStoreByValue(true);
      Cache<Integer, Plain> local = m.createCache("local", heap);
      assertInstanceOf(FieldCodec.class, local.unwrap(TieredCache.class).keptValueCodec());
      Codec<?> outside = local.unwrap(CairnCache.class).valueCodec();
      assertInstanceOf(Codecs.Serialized.class, outside, "callers get bytes any process reads");
      Plain p = new Plain();
      p.n = 5;
      local.put(1, p);
      p.n = 6;
      Plain got = local.get(1);
      assertEquals(5, got.n, "the cache holds a copy");
      got.n = 7;
      assertEquals(5, local.get(1).n, "and hands out copies");

      CairnConfiguration<Integer, Plain> persistent = new CairnConfiguration<Integer, Plain>()
          .setTypes(Integer.class, Plain.class).setStoreByValue(true).setPersistent(true);
      Cache<Integer, Plain> kept = m.createCache("kept", persistent);
      assertInstanceOf(Codecs.Serialized.class, kept.unwrap(TieredCache.class).keptValueCodec());
      CairnConfiguration<Integer, Plain> byReference = new CairnConfiguration<Integer, Plain>()
          .setTypes(Integer.class, Plain.class).setStoreByValue(false);
      Cache<Integer, Plain> shared = m.createCache("by-reference", byReference);
      assertInstanceOf(Codecs.Serialized.class, shared.unwrap(TieredCache.class).keptValueCodec());
    }
  }
}
