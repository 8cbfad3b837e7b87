package io.cairn.jcache;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.Durability;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.cache.CacheException;
import javax.cache.configuration.Factory;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.TouchedExpiryPolicy;

/**
 * Cairn's settings table: every setting a cache takes, named once, with its properties-file key, the kind of value
 * it takes, its default, the values it allows, the {@link CairnConfiguration} setter it maps to and a one-line doc.
 * The properties reader, {@code CairnConfiguration}'s range checks and the Spring Boot binding
 * ({@code cairn.defaults.*}, {@code cairn.caches.<name>.*}) derive from it; a test checks the README's table against
 * it.
 *
 * <p>A value as text: a count is a whole number ({@code 10_000} is allowed); a byte size takes a {@code k}, {@code m},
 * {@code g} or {@code t} suffix (powers of 1024; a trailing {@code b} is allowed); a duration {@code ms}, {@code s},
 * {@code m}, {@code h} or {@code d} (none: milliseconds); a boolean is {@code true}, {@code yes}, {@code on},
 * {@code false}, {@code no} or {@code off}; an enum constant may be in any case, with {@code -} for {@code _}.
 */
public enum CairnSetting {
  HEAP_ENTRIES("heap-entries", Kind.COUNT, Long.class, Default.of("10000"), Range.atLeast(0), "setHeapEntries",
      "entries on the heap tier"),
  DISK_BYTES("disk-bytes", Kind.BYTES, Long.class, Default.of("1g"), Range.atLeast(0), "setDiskBytes",
      "disk tier byte budget (`0`: heap only, evictions are lost)"),
  PERSISTENT("persistent", Kind.BOOLEAN, Boolean.class, Default.of("false"), "setPersistent",
      "keep data across restarts and crashes"),
  DIRECTORY("directory", Kind.PATH, Path.class, Default.described("<manager directory>/<cache name>"), "setDirectory",
      "where a persistent cache lives"),
  DURABILITY("durability", Kind.ENUM, Durability.class, Default.of("BUFFERED"), "setDurability",
      "`NONE`, `BUFFERED` (survives a killed process), `SYNC` (survives power loss); a cache that is not persistent"
          + " keeps no log (`NONE`)"),
  COMPACTION("compaction", Kind.ENUM, CompactionStyle.class, Default.of("FIFO"), "setCompactionStyle",
      "disk tier compaction: `FIFO`, `LEVELED`, `TIERED`, `LAZY_LEVELED`, `NONE`"),
  BLOOM_BITS_PER_KEY("bloom-bits-per-key", Kind.COUNT, Integer.class, Default.of("10"), Range.between(0, 64),
      "setBloomBitsPerKey", "bloom filter bits per key (0 to 64)"),
  BLOCK_CACHE_BYTES("block-cache-bytes", Kind.BYTES, Long.class,
      Default.described("the manager's shared one (`shared.block-cache-bytes`, 64m)"), Range.atLeast(0),
      "setBlockCacheBytes", "a block cache of the disk tier's own, with background threads of its own, instead of"
          + " the ones the manager's caches share"),
  COMPRESSION("compression", Kind.ENUM, io.cairn.engine.Compression.class, Default.of("LZ4"), "setCompression",
      "disk-tier block compression: `LZ4`, `ZSTD` (needs `com.github.luben:zstd-jni` on the class path), `NONE`"),
  MEMTABLE_BYTES("memtable-bytes", Kind.BYTES, Long.class, Default.of("4m"), Range.between(0, 1L << 30),
      "setMemtableBytes", "the disk tier's write buffer (at most 1g; less than 64k counts as 64k)"),
  FIFO_MERGE_WIDTH("fifo-merge-width", Kind.COUNT, Integer.class, Default.of("4"),
      Range.zeroOrBetween("no merging", 2, 64), "setFifoMergeWidth",
      "under `FIFO`, the fewest adjacent similar-sized disk-tier runs merged into one (0 or 2 to 64); 0 never merges,"
          + " for write-heavy caches whose heap misses are rare"),
  SERIAL_FILTER("serial-filter", Kind.PATTERN, String.class,
      Default.described("refuses known gadget packages, limits depth"), "setSerialFilter",
      "`ObjectInputFilter` pattern for JDK-serialized values"),
  STATISTICS("statistics", Kind.BOOLEAN, Boolean.class, Default.of("false"), "setStatisticsEnabled",
      "statistics MXBean"),
  MANAGEMENT("management", Kind.BOOLEAN, Boolean.class, Default.of("false"), "setManagementEnabled",
      "configuration MXBean"),
  STORE_BY_VALUE("store-by-value", Kind.BOOLEAN, Boolean.class, Default.of("true"), "setStoreByValue",
      "copy values in and out"),
  READ_THROUGH("read-through", Kind.BOOLEAN, Boolean.class, Default.of("false"), "setReadThrough",
      "use the configured loader"),
  WRITE_THROUGH("write-through", Kind.BOOLEAN, Boolean.class, Default.of("false"), "setWriteThrough",
      "use the configured writer"),
  EXPIRE_AFTER_WRITE("expire-after-write", CreatedExpiryPolicy::factoryOf,
      "e.g. `10m`: a `CreatedExpiryPolicy`, for caches with the default eternal policy"),
  EXPIRE_AFTER_ACCESS("expire-after-access", TouchedExpiryPolicy::factoryOf,
      "e.g. `30s`: a `TouchedExpiryPolicy`, unless `expire-after-write` is given"),
  BIDI("bidi", Kind.BOOLEAN, Boolean.class, Default.of("false"), "setBidirectional",
      "keep an inverse (value to key) index for `BidiCache`; values must then be unique within the cache"),
  LOCAL_ONLY("local-only", Kind.BOOLEAN, Boolean.class, Default.of("false"), "setLocalOnly",
      "with a `remote.uri` manager: keep this cache local (heap and disk tiers) instead of remote"),
  ONE_SLOT("one-slot", Kind.BOOLEAN, Boolean.class, Default.of("false"), "setOneSlot",
      "a remote cache's keys all in one Redis Cluster hash slot (a `{...}` hash tag), for multi-key atomicity"),
  MAX_LOCAL_AGE_MILLIS("max-local-age-millis", Kind.COUNT, Long.class, Default.of("600000"), Range.atLeast(1),
      "setMaxLocalAgeMillis", "a remote cache's near copies are dropped after this long even if no invalidation came"),
  NEAR_DISK("near-disk", Kind.BOOLEAN, Boolean.class, Default.of("false"), "setNearDisk",
      "a remote cache keeps the near copies its heap tier evicts in a local disk tier (not persistent, `disk-bytes`"
          + " large), served while no invalidation came, instead of reading them from Redis again");

  /** The kind of value a setting takes, which decides how its text is read. */
  public enum Kind {
    /** A whole number. */
    COUNT,
    /** A number of bytes, with an optional k, m, g or t suffix. */
    BYTES,
    /** true or false (also yes/no, on/off). */
    BOOLEAN,
    /** A constant of the enum {@link CairnSetting#type()}. */
    ENUM,
    /** A positive duration; the setting sets an {@link ExpiryPolicy}. */
    DURATION,
    /** A file-system path. */
    PATH,
    /** An {@link java.io.ObjectInputFilter} pattern. */
    PATTERN
  }

  private static final Map<String, CairnSetting> BY_KEY =
      Stream.of(values()).collect(Collectors.toUnmodifiableMap(CairnSetting::key, s -> s));

  private final String key;
  private final Kind kind;
  private final Class<?> type;
  private final String defaultText;
  private final Object defaultValue;
  private final Range range;
  private final String setter;
  private final Function<Duration, Factory<ExpiryPolicy>> expiry;
  private final String doc;

  CairnSetting(String key, Kind kind, Class<?> type, Default dflt, String setter, String doc) {
    this(key, kind, type, dflt, null, setter, null, doc);
  }

  CairnSetting(String key, Kind kind, Class<?> type, Default dflt, Range range, String setter, String doc) {
    this(key, kind, type, dflt, range, setter, null, doc);
  }

  /** A duration, which sets the expiry policy {@code expiry} makes of it. */
  CairnSetting(String key, Function<Duration, Factory<ExpiryPolicy>> expiry, String doc) {
    this(key, Kind.DURATION, Duration.class, Default.described("none"), null, "setExpiryPolicyFactory", expiry, doc);
  }

  CairnSetting(String key, Kind kind, Class<?> type, Default dflt, Range range, String setter,
      Function<Duration, Factory<ExpiryPolicy>> expiry, String doc) {
    this.key = key;
    this.kind = kind;
    this.type = type;
    this.range = range;
    this.setter = setter;
    this.expiry = expiry;
    this.doc = doc;
    this.defaultText = dflt.text();
    this.defaultValue = dflt.typed() ? parse(dflt.text()) : null;
  }

  /** The setting named {@code key} in a properties file, if there is one. */
  public static Optional<CairnSetting> forKey(String key) {
    return Optional.ofNullable(BY_KEY.get(key));
  }

  /** The key in a properties file ({@code default.<key>}, {@code cache.<name>.<key>}), e.g. {@code heap-entries}. */
  public String key() {
    return key;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The type of a value read from text: {@code Long} or {@code Integer} for counts (as the setter takes),
   * {@code Long} for byte sizes, {@code Boolean}, the enum type, {@link Duration}, {@link Path}, {@code String}.
   */
  public Class<?> type() {
    return type;
  }

  /** The default in words, as the README's table shows it: a value, or what decides it when no value does. */
  public String defaultText() {
    return defaultText;
  }

  /** The default as a value of {@link #type()}, or {@code null} when it depends on the cache or is "none". */
  public Object defaultValue() {
    return defaultValue;
  }

  /** The values the setting allows, in words (what an error message says was expected). */
  public String allowed() {
    return switch (kind) {
      case COUNT -> range.text("a whole number", Long::toString);
      case BYTES -> range.text("a byte size", CairnSetting::bytesText) + ", such as 512k or 64m";
      case BOOLEAN -> "true or false";
      case ENUM -> "one of " + Arrays.toString(type.getEnumConstants());
      case DURATION -> "a positive duration such as 500ms, 30s, 10m, 2h or 1d";
      case PATH -> "a directory path";
      case PATTERN -> "an ObjectInputFilter pattern";
    };
  }

  /**
   * The {@link CairnConfiguration} setter a value given there goes to (for the expiry settings
   * {@code setExpiryPolicyFactory}). A value set there wins over the properties; a JCache flag (statistics,
   * store-by-value, ...) counts as set when it differs from JCache's default, an expiry policy when it is not eternal.
   */
  public String setter() {
    return setter;
  }

  /** One line on what the setting does, as the README's table shows it. */
  public String doc() {
    return doc;
  }

  /** Reads {@code text} as a value of {@link #type()}; a bad value fails naming the setting, the value and why. */
  public Object parse(String text) {
    return parse(text, null, null);
  }

  /** {@link #parse(String)} whose error also names the file ({@code where}) and the cache, either may be null. */
  Object parse(String text, String where, String cache) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    try {
      return switch (kind) {
        case COUNT -> typed(check(Long.parseLong(s.replace("_", ""))));
        case BYTES -> check(bytes(s.replace("_", "")));
        case BOOLEAN -> bool(s);
        case ENUM -> constant(s.toUpperCase(Locale.ROOT).replace('-', '_'));
        case DURATION -> duration(s);
        case PATH -> Path.of(text.trim());
        case PATTERN -> {
          Codecs.filter(text.trim());
          yield text.trim();
        }
      };
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new CacheException("Cairn configuration" + (where == null ? "" : " " + where) + ": setting " + key + "="
          + text + (cache == null ? "" : " (cache " + cache + ")") + " is not valid; expected " + allowed()
          + (kind == Kind.PATTERN ? " (" + e.getMessage() + ")" : ""));
    }
  }

  /**
   * A value as text {@link #parse} reads back: a value of {@link #type()}, any {@code Number} for counts and byte
   * sizes, a {@link java.time.Duration} for durations, a {@code String} for paths.
   */
  public String format(Object value) {
    String text = switch (kind) {
      case COUNT, BYTES -> value instanceof Number n ? Long.toString(n.longValue()) : null;
      case BOOLEAN -> value instanceof Boolean ? value.toString() : null;
      case ENUM -> type.isInstance(value) ? ((Enum<?>) value).name() : null;
      case DURATION -> value instanceof java.time.Duration d ? d.toMillis() + "ms"
          : value instanceof Duration d && !d.isEternal() && !d.isZero()
              ? d.getTimeUnit().toMillis(d.getDurationAmount()) + "ms" : null;
      case PATH -> value instanceof Path || value instanceof String ? value.toString() : null;
      case PATTERN -> value instanceof String ? value.toString() : null;
    };
    if (text == null) {
      throw new IllegalArgumentException("setting " + key + " takes " + allowed() + ", not " + value
          + (value == null ? "" : " (a " + value.getClass().getName() + ")"));
    }
    return text;
  }

  /**
   * {@code value} if the range allows it, else an {@link IllegalArgumentException} naming the setter's property (as
   * {@code heapEntries}), the rule and the value.
   */
  long check(long value) {
    if (!range.allows(value)) {
      String property = Character.toLowerCase(setter.charAt(3)) + setter.substring(4);
      throw new IllegalArgumentException(property + " must be " + range.text("", Long::toString) + ", was " + value);
    }
    return value;
  }

  /** The expiry policy an expiry setting sets for {@code d}. */
  Factory<ExpiryPolicy> expiryPolicy(Duration d) {
    return expiry.apply(d);
  }

  private Object typed(long n) {
    return type == Integer.class ? (Object) Math.toIntExact(n) : (Object) n;
  }

  private Object constant(String name) {
    for (Object c : type.getEnumConstants()) {
      if (((Enum<?>) c).name().equals(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException(name);
  }

  private static long bytes(String s) {
    String n = s.endsWith("b") ? s.substring(0, s.length() - 1) : s;
    int shift = n.isEmpty() ? 0 : switch (n.charAt(n.length() - 1)) {
      case 'k' -> 10;
      case 'm' -> 20;
      case 'g' -> 30;
      case 't' -> 40;
      default -> 0;
    };
    if (shift > 0) {
      n = n.substring(0, n.length() - 1);
    }
    return Math.multiplyExact(Long.parseLong(n.trim()), 1L << shift);
  }

  /** {@code bytes} with the largest suffix that divides it, as {@code 8m}. */
  private static String bytesText(long bytes) {
    String[] suffixes = {"t", "g", "m", "k"};
    for (int i = 0; i < suffixes.length; i++) {
      long unit = 1L << (40 - 10 * i);
      if (bytes != 0 && bytes % unit == 0) {
        return bytes / unit + suffixes[i];
      }
    }
    return Long.toString(bytes);
  }

  private static boolean bool(String s) {
    return switch (s) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException(s);
    };
  }

  private static Duration duration(String s) {
    TimeUnit unit;
    int suffix;
    if (s.endsWith("ms")) {
      unit = TimeUnit.MILLISECONDS;
      suffix = 2;
    } else {
      suffix = 1;
      unit = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
        case 's' -> TimeUnit.SECONDS;
        case 'm' -> TimeUnit.MINUTES;
        case 'h' -> TimeUnit.HOURS;
        case 'd' -> TimeUnit.DAYS;
        default -> {
          suffix = 0;
          yield TimeUnit.MILLISECONDS;
        }
      };
    }
    long n = Long.parseLong(s.substring(0, s.length() - suffix).trim());
    if (n <= 0) {
      throw new IllegalArgumentException("not positive: " + n);
    }
    return new Duration(unit, n);
  }

  /** A default: a value as text, or ({@code typed} false) words for a default no single value states. */
  private record Default(String text, boolean typed) {
    static Default of(String text) {
      return new Default(text, true);
    }

    static Default described(String words) {
      return new Default(words, false);
    }
  }

  /** The numbers a count or byte size allows: {@code min} to {@code max}, and 0 when {@code zero} says what 0 means. */
  private record Range(long min, long max, String zero) {
    static Range atLeast(long min) {
      return new Range(min, Long.MAX_VALUE, null);
    }

    static Range between(long min, long max) {
      return new Range(min, max, null);
    }

    static Range zeroOrBetween(String zero, long min, long max) {
      return new Range(min, max, zero);
    }

    boolean allows(long v) {
      return v == 0 && zero != null || v >= min && v <= max;
    }

    /** The range in words, each bound written by {@code bound}; {@code noun} ("a whole number") may be empty. */
    String text(String noun, LongFunction<String> bound) {
      String bounds = max == Long.MAX_VALUE ? ">= " + bound.apply(min)
          : "between " + bound.apply(min) + " and " + bound.apply(max);
      return (zero == null ? "" : "0 (" + zero + ") or ") + (noun.isEmpty() ? "" : noun + " ") + bounds;
    }
  }
}
