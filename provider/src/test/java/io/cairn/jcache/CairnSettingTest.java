package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.Options;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import javax.cache.CacheException;
import javax.cache.configuration.Factory;
import javax.cache.expiry.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The settings table against every surface of the provider that takes a setting: the properties reader,
 * {@link CairnConfiguration}'s setters, the README's table, and the engine's own option checks.
 */
class CairnSettingTest {
  /** Valid values of each kind, as text; {@link #values} picks two of them for a setting. */
  private static List<String> candidates(CairnSetting s) {
    return switch (s.kind()) {
      case COUNT -> List.of("2", "3", "5", "1000");
      case BYTES -> List.of("1m", "2m", "64k");
      case BOOLEAN -> List.of("true", "false");
      case ENUM -> Stream.of(s.type().getEnumConstants())
          .map(c -> ((Enum<?>) c).name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).toList();
      case DURATION -> List.of("90s", "10m");
      case PATH -> List.of("some/where", "else/where");
      case PATTERN -> List.of("java.lang.*;!*", "maxdepth=5");
    };
  }

  /** A bad value of each kind. */
  private static String bad(CairnSetting s) {
    return switch (s.kind()) {
      case COUNT, BYTES -> "lots";
      case BOOLEAN -> "maybe";
      case ENUM -> "sideways";
      case DURATION -> "soon";
      case PATH -> "nul\0char";
      case PATTERN -> "maxdepth=many";
    };
  }

  /**
   * Two valid values as text: the first differs from the default (so that a JCache flag set to it counts as set), the
   * second from the first.
   */
  private static String[] values(CairnSetting s) {
    List<String> valid = new ArrayList<>();
    for (String c : candidates(s)) {
      try {
        s.parse(c);
        valid.add(c);
      } catch (CacheException e) {
        // not in this setting's range; another candidate is
      }
    }
    String first = valid.stream().filter(c -> !s.parse(c).equals(s.defaultValue())).findFirst().orElseThrow();
    String second = valid.stream().filter(c -> !c.equals(first)).findFirst().orElseThrow();
    return new String[] {first, second};
  }

  /** What the resolved cache holds for a value of {@code s}: the value, or the expiry policy it sets. */
  private static Object expected(CairnSetting s, Object value) {
    return s.kind() == CairnSetting.Kind.DURATION ? s.expiryPolicy((Duration) value).create() : value;
  }

  /** The setter's property name, e.g. {@code heapEntries} for {@code setHeapEntries}. */
  private static String property(CairnSetting s) {
    return Character.toLowerCase(s.setter().charAt(3)) + s.setter().substring(4);
  }

  /**
   * The value a cache resolved for {@code s}: the {@link CacheSettings} component of the setter's property name, else
   * (a JCache setting) what the configuration holds after resolution, an expiry policy factory's policy.
   */
  private static Object effective(CairnSetting s, CacheSettings settings, CairnConfiguration<?, ?> config)
      throws ReflectiveOperationException {
    for (RecordComponent c : CacheSettings.class.getRecordComponents()) {
      if (c.getName().equals(property(s))) {
        return c.getAccessor().invoke(settings);
      }
    }
    String suffix = s.setter().substring(3);
    Method getter;
    try {
      getter = CairnConfiguration.class.getMethod("is" + suffix);
    } catch (NoSuchMethodException e) {
      getter = CairnConfiguration.class.getMethod("get" + suffix);
    }
    Object v = getter.invoke(config);
    return v instanceof Factory<?> f ? f.create() : v;
  }

  /** Properties with every cache persistent (so durability takes effect) and {@code key=value} in cache c's section. */
  private static ManagerProperties properties(CairnSetting s, String value) {
    Properties p = new Properties();
    p.setProperty("default.persistent", "true");
    p.setProperty("cache.c." + s.key(), value);
    return ManagerProperties.parse(p, "test.properties");
  }

  @ParameterizedTest
  @EnumSource(CairnSetting.class)
  void everySettingIsReadFromTheProperties(CairnSetting s) throws Exception {
    String value = values(s)[0];
    CairnConfiguration<Object, Object> config = new CairnConfiguration<>();
    CacheSettings settings = CacheSettings.resolve("c", config, properties(s, value));
    Object want = expected(s, s.parse(value));
    assertEquals(want, effective(s, settings, config), s.key() + "=" + value);
  }

  @ParameterizedTest
  @EnumSource(CairnSetting.class)
  void everySettingRefusesABadValueNamingKeyAndValue(CairnSetting s) {
    String bad = bad(s);
    CacheException e = assertThrows(CacheException.class, () -> properties(s, bad));
    assertTrue(e.getMessage().contains(s.key() + "=" + bad) && e.getMessage().contains("test.properties")
        && e.getMessage().contains("(cache c)") && e.getMessage().contains("expected " + s.allowed()), e.getMessage());
    if (s.kind() == CairnSetting.Kind.COUNT || s.kind() == CairnSetting.Kind.BYTES) {
      CacheException negative = assertThrows(CacheException.class, () -> properties(s, "-1"));
      assertTrue(negative.getMessage().contains(s.key() + "=-1"), negative.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(CairnSetting.class)
  void everySettingHasItsSetterAndAValueSetThereWins(CairnSetting s) throws Exception {
    String[] values = values(s);
    Method setter = Stream.of(CairnConfiguration.class.getMethods())
        .filter(m -> m.getName().equals(s.setter()) && m.getParameterCount() == 1).findFirst()
        .orElseThrow(() -> new AssertionError("CairnConfiguration has no " + s.setter() + " for " + s.key()));
    Object configured = s.parse(values[0]);
    Object argument = s.kind() == CairnSetting.Kind.DURATION ? s.expiryPolicy((Duration) configured) : configured;
    Class<?> parameter = setter.getParameterTypes()[0];
    assertTrue(parameter.isInstance(argument) || wrapper(parameter) == s.type(),
        s.setter() + " takes a " + parameter + ", the table reads a " + s.type());
    CairnConfiguration<Object, Object> config = new CairnConfiguration<>();
    setter.invoke(config, argument);
    CacheSettings settings = CacheSettings.resolve("c", config, properties(s, values[1]));
    assertEquals(expected(s, configured), effective(s, settings, config),
        s.setter() + "(" + values[0] + ") against " + s.key() + "=" + values[1]);
  }

  private static Class<?> wrapper(Class<?> c) {
    return c == long.class ? Long.class : c == int.class ? Integer.class : c == boolean.class ? Boolean.class : c;
  }

  @Test
  void numericSettersRefuseValuesOutsideTheRange() throws Exception {
    List<CairnSetting> numeric = Stream.of(CairnSetting.values())
        .filter(s -> s.kind() == CairnSetting.Kind.COUNT || s.kind() == CairnSetting.Kind.BYTES).toList();
    assertFalse(numeric.isEmpty());
    for (CairnSetting s : numeric) {
      Method setter = Stream.of(CairnConfiguration.class.getMethods())
          .filter(m -> m.getName().equals(s.setter()) && m.getParameterCount() == 1).findFirst().orElseThrow();
      Object minusOne = setter.getParameterTypes()[0] == int.class ? (Object) (-1) : (Object) (-1L);
      InvocationTargetException e = assertThrows(InvocationTargetException.class,
          () -> setter.invoke(new CairnConfiguration<>(), minusOne), s.setter());
      assertInstanceOf(IllegalArgumentException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains(property(s)) && e.getCause().getMessage().contains("was -1"),
          e.getCause().getMessage());
    }
    IllegalArgumentException bloom = assertThrows(IllegalArgumentException.class,
        () -> new CairnConfiguration<>().setBloomBitsPerKey(65));
    assertEquals("bloomBitsPerKey must be between 0 and 64, was 65", bloom.getMessage());
    IllegalArgumentException memtable = assertThrows(IllegalArgumentException.class,
        () -> new CairnConfiguration<>().setMemtableBytes((1L << 30) + 1));
    assertTrue(memtable.getMessage().contains("memtableBytes"), memtable.getMessage());
  }

  /** Every default given as a value is one of the setting's type, and formats to text that reads back as itself. */
  @Test
  void defaultsAreValuesOfTheSettingsTypeAndFormatRoundTrips() {
    for (CairnSetting s : CairnSetting.values()) {
      Object dflt = s.defaultValue();
      if (dflt != null) {
        assertInstanceOf(s.type(), dflt, s.key());
        assertEquals(dflt, s.parse(s.format(dflt)), s.key() + " formatted as " + s.format(dflt));
      }
      for (String v : values(s)) {
        assertEquals(s.parse(v), s.parse(s.format(s.parse(v))), s.key() + "=" + v);
      }
    }
    assertEquals(10_000L, CairnSetting.HEAP_ENTRIES.defaultValue());
    assertNull(CairnSetting.DIRECTORY.defaultValue(), "depends on the manager's directory and the cache's name");
  }

  @Test
  void textValuesOfEachKind() {
    assertEquals(10_000L, CairnSetting.HEAP_ENTRIES.parse("10_000"));
    assertEquals(512L << 10, CairnSetting.DISK_BYTES.parse("512k"));
    assertEquals(2L << 30, CairnSetting.DISK_BYTES.parse(" 2G "));
    assertEquals(1L << 30, CairnSetting.DISK_BYTES.parse("1gb"));
    assertEquals(3L << 40, CairnSetting.DISK_BYTES.parse("3t"));
    assertEquals(100L, CairnSetting.DISK_BYTES.parse("100"));
    assertEquals(true, CairnSetting.PERSISTENT.parse("yes"));
    assertEquals(true, CairnSetting.PERSISTENT.parse("On"));
    assertEquals(false, CairnSetting.PERSISTENT.parse("off"));
    assertEquals(false, CairnSetting.PERSISTENT.parse("no"));
    assertEquals(CompactionStyle.LAZY_LEVELED, CairnSetting.COMPACTION.parse("lazy-leveled"));
    assertEquals(CompactionStyle.TIERED, CairnSetting.COMPACTION.parse("Tiered"));
    assertEquals(new Duration(TimeUnit.MILLISECONDS, 500), CairnSetting.EXPIRE_AFTER_WRITE.parse("500ms"));
    assertEquals(new Duration(TimeUnit.SECONDS, 30), CairnSetting.EXPIRE_AFTER_WRITE.parse("30s"));
    assertEquals(new Duration(TimeUnit.MINUTES, 10), CairnSetting.EXPIRE_AFTER_WRITE.parse("10m"));
    assertEquals(new Duration(TimeUnit.HOURS, 2), CairnSetting.EXPIRE_AFTER_WRITE.parse("2h"));
    assertEquals(new Duration(TimeUnit.DAYS, 1), CairnSetting.EXPIRE_AFTER_WRITE.parse("1d"));
    assertEquals(new Duration(TimeUnit.MILLISECONDS, 250), CairnSetting.EXPIRE_AFTER_ACCESS.parse("250"));
    assertEquals(Path.of("/var/cache"), CairnSetting.DIRECTORY.parse("/var/cache"));
    for (String bad : List.of("0s", "-5m", "10w", "m")) {
      CacheException e = assertThrows(CacheException.class, () -> CairnSetting.EXPIRE_AFTER_WRITE.parse(bad));
      assertTrue(e.getMessage().contains("expire-after-write=" + bad) && e.getMessage().contains("positive duration"),
          e.getMessage());
    }
    CacheException overflow = assertThrows(CacheException.class, () -> CairnSetting.DISK_BYTES.parse("9000000t"));
    assertTrue(overflow.getMessage().contains("disk-bytes=9000000t"), overflow.getMessage());
    CacheException filter = assertThrows(CacheException.class, () -> CairnSetting.SERIAL_FILTER.parse("maxdepth=x"));
    assertTrue(filter.getMessage().contains("ObjectInputFilter pattern (") && filter.getMessage().contains("maxdepth"),
        filter.getMessage());
    assertEquals("Cairn configuration: setting bloom-bits-per-key=65 is not valid; expected a whole number between 0"
        + " and 64", assertThrows(CacheException.class, () -> CairnSetting.BLOOM_BITS_PER_KEY.parse("65"))
        .getMessage());
    assertEquals("expected 0 (no merging) or a whole number between 2 and 64",
        tail(CairnSetting.FIFO_MERGE_WIDTH, "1"));
    assertEquals("expected a byte size between 0 and 1g, such as 512k or 64m", tail(CairnSetting.MEMTABLE_BYTES, "2g"));
    assertEquals("expected one of [NONE, BUFFERED, SYNC]", tail(CairnSetting.DURABILITY, "always"));
  }

  private static String tail(CairnSetting s, String value) {
    String m = assertThrows(CacheException.class, () -> s.parse(value)).getMessage();
    return m.substring(m.indexOf("expected"));
  }

  @Test
  void formatRefusesAValueOfTheWrongType() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CairnSetting.HEAP_ENTRIES.format("lots"));
    assertTrue(e.getMessage().contains("heap-entries") && e.getMessage().contains("lots"), e.getMessage());
    assertEquals("90000ms", CairnSetting.EXPIRE_AFTER_WRITE.format(java.time.Duration.ofSeconds(90)));
    assertEquals("SYNC", CairnSetting.DURABILITY.format(io.cairn.engine.Durability.SYNC));
  }

  /** The engine checks its own options; the table's ranges for the settings that reach them must agree. */
  @Test
  void rangesAgreeWithTheEngine() {
    agree(CairnSetting.FIFO_MERGE_WIDTH, -1, 66, n -> Options.checkFifoMergeWidth("fifoMergeWidth", n));
    agree(CairnSetting.BLOOM_BITS_PER_KEY, -1, 65, n -> Options.defaults().bloomBitsPerKey(n));
    assertEquals(1L << 30, CairnSetting.MEMTABLE_BYTES.check(1L << 30));
    Options.defaults().memtableBytes(1L << 30);
    assertThrows(IllegalArgumentException.class, () -> CairnSetting.MEMTABLE_BYTES.check((1L << 30) + 1));
    assertThrows(IllegalArgumentException.class, () -> Options.defaults().memtableBytes((1L << 30) + 1));
  }

  private static void agree(CairnSetting s, int from, int to, IntConsumer engine) {
    for (int n = from; n <= to; n++) {
      int v = n;
      assertEquals(takes(() -> engine.accept(v)), takes(() -> s.check(v)), s.key() + "=" + n);
    }
  }

  private static boolean takes(Runnable r) {
    try {
      r.run();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Test
  void unknownSettingListsTheSettings() {
    Properties p = new Properties();
    p.setProperty("default.heap-entires", "5");
    CacheException e = assertThrows(CacheException.class, () -> ManagerProperties.parse(p, null));
    for (CairnSetting s : CairnSetting.values()) {
      assertTrue(e.getMessage().contains(s.key()), e.getMessage());
    }
  }

  /**
   * README.md's settings table ({@code | setting (file key) | CairnConfiguration | default | meaning |}) is this table,
   * row for row (backticks aside), and the Spring properties table names every key.
   */
  @Test
  void readmeTablesListEverySetting() throws Exception {
    List<String> readme = Files.readAllLines(Path.of("..", "README.md"));
    int header = readme.indexOf("| setting (file key) | `CairnConfiguration` | default | meaning |");
    assertTrue(header >= 0, "README.md has no settings table");
    List<String> rows = new ArrayList<>();
    for (int i = header + 2; i < readme.size() && readme.get(i).startsWith("|"); i++) {
      rows.add(readme.get(i).replace("`", ""));
    }
    List<String> want = Stream.of(CairnSetting.values()).map(s -> ("| " + s.key() + " | " + s.setter() + " | "
        + s.defaultText() + " | " + s.doc() + " |").replace("`", "")).toList();
    assertEquals(String.join("\n", want), String.join("\n", rows), "README.md's settings table");
    String spring = readme.stream().filter(l -> l.startsWith("| `cairn.defaults.*`")).findFirst()
        .orElseThrow(() -> new AssertionError("README.md's Spring table has no cairn.defaults.* row"));
    List<String> missing = Stream.of(CairnSetting.values()).map(CairnSetting::key)
        .filter(k -> !spring.contains("`" + k + "`")).toList();
    assertEquals(List.of(), missing, "keys the README's Spring row does not list");
  }

  @Test
  void everyEnumSettingsDocNamesItsConstants() {
    for (CairnSetting s : CairnSetting.values()) {
      if (s.kind() == CairnSetting.Kind.ENUM) {
        for (Object c : s.type().getEnumConstants()) {
          assertTrue(s.doc().contains("`" + c + "`"), s.key() + "'s doc does not name " + c + ": " + s.doc());
        }
      }
    }
    assertTrue(CairnSetting.forKey("colour").isEmpty());
    assertEquals(CairnSetting.BIDI, CairnSetting.forKey("bidi").orElseThrow());
    assertEquals(CairnSetting.values().length, Arrays.stream(CairnSetting.values()).map(CairnSetting::key).distinct()
        .count(), "keys are unique");
  }
}
