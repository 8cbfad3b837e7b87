package io.cairn.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import javax.cache.configuration.CompleteConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The traps of Spring Boot applications: Hibernate sharing, the application's class loader, nested-jar config. */
@SuppressWarnings({"unchecked", "rawtypes"}) // unwrap(Class) and getConfiguration(Class) give raw Cairn types
class BootTrapsTest {
  @TempDir Path dir;

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CairnCacheAutoConfiguration.class))
        .withPropertyValues("cairn.directory=" + dir, "cairn.uri=urn:cairn:traps-" + System.nanoTime());
  }

  @Test
  void hibernateGetsTheSameCacheManager() {
    runner().run(ctx -> {
      javax.cache.CacheManager cairn = ctx.getBean(javax.cache.CacheManager.class);
      Map<String, Object> props = new HashMap<>();
      ctx.getBeansOfType(HibernatePropertiesCustomizer.class).values().forEach(c -> c.customize(props));
      assertSame(cairn, props.get("hibernate.javax.cache.cache_manager"));
      assertEquals("create", props.get("hibernate.javax.cache.missing_cache_strategy"));
    });
  }

  @Test
  void valuesAreDecodedWithTheApplicationsClassLoader() throws Exception {
    try (URLClassLoader appLoader = new URLClassLoader("devtools-restart",
        new java.net.URL[0], getClass().getClassLoader())) {
      runner().withClassLoader(appLoader).run(ctx ->
          assertSame(appLoader, ctx.getBean(javax.cache.CacheManager.class).getClassLoader(),
              "the Cairn manager (and so value decoding) uses the application context's class loader"));
    }
  }

  @Test
  void configurationFileInsideANestedBootJar() throws Exception {
    org.springframework.boot.loader.net.protocol.Handlers.register();
    Path jar = dir.resolve("app.jar");
    byte[] props = "default.heap-entries=3\ndefault.statistics=true\n".getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
      for (String d : new String[] {"BOOT-INF/", "BOOT-INF/classes/"}) {
        JarEntry dirEntry = new JarEntry(d);
        dirEntry.setMethod(ZipEntry.STORED);
        dirEntry.setSize(0);
        dirEntry.setCrc(0);
        j.putNextEntry(dirEntry);
        j.closeEntry();
      }
      JarEntry e = new JarEntry("BOOT-INF/classes/cairn-app.properties");
      e.setMethod(ZipEntry.STORED);
      e.setSize(props.length);
      CRC32 crc = new CRC32();
      crc.update(props);
      e.setCrc(crc.getValue());
      j.putNextEntry(e);
      j.write(props);
      j.closeEntry();
    }
    String uri = "jar:nested:" + jar.toAbsolutePath() + "/!BOOT-INF/classes/!/cairn-app.properties";
    runner().withPropertyValues("cairn.uri=" + uri).run(ctx -> {
      javax.cache.CacheManager cairn = ctx.getBean(javax.cache.CacheManager.class);
      javax.cache.Cache<Object, Object> c = cairn.createCache("fromJar", new javax.cache.configuration.MutableConfiguration<>());
      for (int i = 0; i < 20; i++) {
        c.put(i, "v" + i);
      }
      assertTrue(c.getConfiguration(CompleteConfiguration.class).isStatisticsEnabled(),
          "settings read from the file inside the nested jar: " + uri);
    });
  }
}
