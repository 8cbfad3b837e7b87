package io.cairn.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.StoreStatistics;
import io.cairn.jcache.CairnCache;
import io.cairn.jcache.CairnSetting;
import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.cache.CacheException;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.expiry.Duration;
import javax.cache.expiry.TouchedExpiryPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.configurationprocessor.metadata.ConfigurationMetadata;
import org.springframework.boot.configurationprocessor.metadata.ItemMetadata;
import org.springframework.boot.configurationprocessor.metadata.JsonMarshaller;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * {@link CairnProperties.Cache} against the settings table: one bound property per setting, documented in the
 * configuration metadata, each reaching the cache it configures.
 */
@SuppressWarnings({"unchecked", "rawtypes"}) // unwrap(Class) and getConfiguration(Class) give raw Cairn types
class CairnPropertiesTest {
  @TempDir Path dir;

  /** The type a setting's property has, so Boot converts (and its metadata documents) values of the setting's kind. */
  private static Class<?> springType(CairnSetting s) {
    return switch (s.kind()) {
      case COUNT, ENUM -> s.type();
      case BYTES -> DataSize.class;
      case BOOLEAN -> Boolean.class;
      case DURATION -> java.time.Duration.class;
      case PATH, PATTERN -> String.class;
    };
  }

  /** A value of each kind for the bean property, and the same value as the text the table reads. */
  private static Object[] sample(CairnSetting s) {
    return switch (s.kind()) {
      case COUNT -> new Object[] {s.type() == Integer.class ? (Object) 3 : (Object) 3L, "3"};
      case BYTES -> new Object[] {DataSize.ofMegabytes(3), "3m"};
      case BOOLEAN -> new Object[] {true, "true"};
      case ENUM -> {
        Object[] constants = s.type().getEnumConstants();
        Object last = constants[constants.length - 1];
        yield new Object[] {last, last.toString()};
      }
      case DURATION -> new Object[] {java.time.Duration.ofSeconds(90), "90s"};
      case PATH -> new Object[] {"some/dir", "some/dir"};
      case PATTERN -> new Object[] {"java.lang.*;!*", "java.lang.*;!*"};
    };
  }

  @Test
  void everySettingHasABoundPropertyAndEveryPropertyASetting() {
    Map<String, PropertyDescriptor> properties = Stream.of(
        BeanUtils.getPropertyDescriptors(CairnProperties.Cache.class)).filter(d -> !d.getName().equals("class"))
        .collect(Collectors.toMap(PropertyDescriptor::getName, d -> d));
    for (CairnSetting s : CairnSetting.values()) {
      PropertyDescriptor d = properties.remove(CairnProperties.Cache.property(s));
      assertNotNull(d, "CairnProperties.Cache has no property for " + s.key());
      assertEquals(springType(s), d.getPropertyType(), s.key());
      assertNotNull(d.getWriteMethod(), s.key() + " cannot be bound");
    }
    assertEquals(Set.of(), properties.keySet(), "properties of CairnProperties.Cache that are no Cairn setting");
  }

  @Test
  void writeToGivesEverySettingAsTextTheTableReads() {
    CairnProperties.Cache cache = new CairnProperties.Cache();
    BeanWrapperImpl bean = new BeanWrapperImpl(cache);
    for (CairnSetting s : CairnSetting.values()) {
      bean.setPropertyValue(CairnProperties.Cache.property(s), sample(s)[0]);
    }
    Properties p = new Properties();
    cache.writeTo(p, "cache.c.");
    assertEquals(CairnSetting.values().length, p.size(), p.toString());
    for (CairnSetting s : CairnSetting.values()) {
      String text = p.getProperty("cache.c." + s.key());
      assertNotNull(text, s.key());
      assertEquals(s.parse((String) sample(s)[1]), s.parse(text), s.key() + " written as " + text);
    }
    Properties none = new Properties();
    new CairnProperties.Cache().writeTo(none, "default.");
    assertEquals(Map.of(), none, "nothing set, nothing written");
  }

  /** The metadata the configuration processor wrote beside {@link CairnProperties}, read by its own reader. */
  @Test
  void configurationMetadataDocumentsEverySetting() throws Exception {
    URL classes = CairnProperties.class.getProtectionDomain().getCodeSource().getLocation();
    ConfigurationMetadata metadata;
    try (InputStream in = new URL(classes, "META-INF/spring-configuration-metadata.json").openStream()) {
      metadata = new JsonMarshaller().read(in);
    }
    Map<String, ItemMetadata> byName = metadata.getItems().stream()
        .filter(i -> i.isOfItemType(ItemMetadata.ItemType.PROPERTY) && i.getName().startsWith("cairn.defaults."))
        .collect(Collectors.toMap(ItemMetadata::getName, i -> i));
    for (CairnSetting s : CairnSetting.values()) {
      ItemMetadata item = byName.remove("cairn.defaults." + s.key());
      assertNotNull(item, "no metadata for cairn.defaults." + s.key());
      assertEquals(springType(s).getName(), item.getType(), s.key());
      assertTrue(item.getDescription() != null && !item.getDescription().isBlank(), s.key() + " has no description");
    }
    assertEquals(Set.of(), byName.keySet(), "metadata for no Cairn setting");
  }

  @Configuration(proxyBeanMethods = false)
  @EnableCaching
  static class Caching {}

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CairnCacheAutoConfiguration.class, CacheAutoConfiguration.class))
        .withUserConfiguration(Caching.class)
        .withPropertyValues("cairn.directory=" + dir, "cairn.uri=urn:cairn:properties-test-" + System.nanoTime());
  }

  /** The native cache behind a Spring cache, created on first use when not declared. */
  @SuppressWarnings("unchecked")
  private static javax.cache.Cache<Object, Object> cache(ApplicationContext ctx, String name) {
    return (javax.cache.Cache<Object, Object>) ctx.getBean(org.springframework.cache.CacheManager.class)
        .getCache(name).getNativeCache();
  }

  /**
   * A count (bloom bits), a byte size (memtable bytes) and an enum (durability) given as defaults reach the disk tier
   * of a cache created on first use; a declared cache that sets them again in its own section shows the difference.
   */
  @Test
  void countByteSizeAndEnumDefaultsReachTheDiskTier() {
    runner().withPropertyValues("cairn.defaults.persistent=true", "cairn.defaults.bloom-bits-per-key=0",
        "cairn.defaults.memtable-bytes=64KB", "cairn.defaults.durability=none",
        "cairn.caches.control.bloom-bits-per-key=10", "cairn.caches.control.memtable-bytes=4MB",
        "cairn.caches.control.durability=buffered").run(ctx -> {
          assertNull(ctx.getStartupFailure());
          DiskTier plain = fillAndProbe(cache(ctx, "plain"));
          DiskTier control = fillAndProbe(cache(ctx, "control"));
          assertTrue(plain.memtableBytes() < 100 << 10 && control.memtableBytes() > 150 << 10,
              "memtable-bytes: " + plain.memtableBytes() + " vs " + control.memtableBytes());
          assertTrue(plain.logBytes() == 0 && control.logBytes() > 0,
              "durability: log bytes " + plain.logBytes() + " vs " + control.logBytes());
          assertTrue(plain.filterBytes() > 0 && plain.filterBytes() < control.filterBytes(),
              "bloom-bits-per-key: filter bytes " + plain.filterBytes() + " vs " + control.filterBytes());
        });
  }

  /** What a disk tier shows of its memtable size, durability and bloom filters. */
  private record DiskTier(long memtableBytes, long logBytes, long filterBytes) {}

  /**
   * Writes about 220 KB and reads the memtable and log bytes, then flushes, asks for absent keys between all the
   * written ones (which reads every table's bloom filter) and reads the filters' bytes.
   */
  private static DiskTier fillAndProbe(javax.cache.Cache<Object, Object> c) {
    CairnCache<?, ?> engine = c.unwrap(CairnCache.class);
    for (int i = 0; i < 2000; i += 2) {
      c.put(i, new byte[200]);
    }
    StoreStatistics written = engine.engineStatistics();
    engine.flush();
    for (int i = 1; i < 2000; i += 2) {
      assertNull(c.get(i));
    }
    return new DiskTier(written.memtable().bytes(), written.writes().walBytes(),
        engine.engineStatistics().filter().pinnedBytes());
  }

  @Test
  void aPathDefaultReachesTheCache() {
    Path elsewhere = dir.resolve("elsewhere");
    runner().withPropertyValues("cairn.defaults.directory=" + elsewhere, "cairn.caches.quotes.persistent=true")
        .run(ctx -> {
          assertNull(ctx.getStartupFailure());
          cache(ctx, "quotes").put("k", "v");
          assertTrue(Files.isDirectory(elsewhere) && Files.list(elsewhere).findAny().isPresent(),
              "the persistent cache keeps its files in cairn.defaults.directory");
          assertFalse(Files.exists(dir.resolve("quotes")), "not under cairn.directory");
        });
  }

  /** A value a test cache stores by JDK serialization. */
  record Box(int n) implements Serializable {}

  @Test
  void booleanDurationAndPatternDefaultsReachTheCache() {
    runner().withPropertyValues("cairn.defaults.management=true", "cairn.defaults.expire-after-access=90s",
        "cairn.defaults.serial-filter=!*").run(ctx -> {
          assertNull(ctx.getStartupFailure());
          javax.cache.Cache<Object, Object> c = cache(ctx, "quotes");
          CompleteConfiguration<?, ?> config = c.getConfiguration(CompleteConfiguration.class);
          assertTrue(config.isManagementEnabled(), "management");
          assertEquals(new TouchedExpiryPolicy(new Duration(TimeUnit.SECONDS, 90)),
              config.getExpiryPolicyFactory().create(), "expire-after-access");
          CacheException e = assertThrows(CacheException.class, () -> c.put("k", new Box(1)),
              "store-by-value copies through deserialization, which serial-filter=!* refuses");
          assertTrue(e.getMessage().contains("serial-filter"), e.getMessage());
        });
  }
}
