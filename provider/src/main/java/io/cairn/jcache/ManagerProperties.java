package io.cairn.jcache;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import javax.cache.CacheException;

/**
 * The settings a cache manager reads from the properties file its URI names ({@code classpath:}, {@code file:},
 * {@code jar:} and Spring Boot's nested-jar URIs), merged with the properties passed to {@code getCacheManager}.
 *
 * <pre>
 * directory=./cairn-data                 where persistent caches live (one folder per cache)
 * default.heap-entries=10000             defaults for every cache, including ones created with a bare
 * default.expire-after-write=10m         MutableConfiguration (as Spring and Hibernate create them)
 * cache.orders.persistent=true           one cache's settings (cache names may contain dots)
 * remote.uri=redis://host:6379           a shared tier below every cache (see io.cairn.jcache.spi); the other
 * remote.timeout=2s                      remote.* keys are its options, checked by the shared tier's provider
 * shared.block-cache-bytes=64m           what the caches' disk tiers share (see SharedResources)
 * </pre>
 * Keys may carry a leading {@code cairn.}. System properties {@code cairn.default.*}, {@code cairn.cache.*},
 * {@code cairn.remote.*}, {@code cairn.shared.*} and {@code cairn.directory} apply to every manager, over its file; properties given to
 * {@code getCacheManager} apply over both. An unknown key or a bad value fails with a {@link CacheException} naming
 * it.
 */
final class ManagerProperties {
  private final String source;
  private final Path root;
  private final Map<String, String> defaults;
  private final Map<String, Map<String, String>> caches;
  private final String remoteUri;
  private final Map<String, String> remoteOptions;
  private final SharedResources sharedResources;

  private ManagerProperties(String source, Path root, Map<String, String> defaults,
      Map<String, Map<String, String>> caches, String remoteUri, Map<String, String> remoteOptions,
      SharedResources sharedResources) {
    this.source = source;
    this.root = root;
    this.defaults = defaults;
    this.caches = caches;
    this.remoteUri = remoteUri;
    this.remoteOptions = remoteOptions;
    this.sharedResources = sharedResources;
  }

  /** Reads the file {@code uri} names, if it names one, and the given properties on top. */
  static ManagerProperties load(URI uri, ClassLoader loader, Properties given) {
    Properties all = new Properties();
    String source = null;
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("classpath")) {
      String path = uri.getSchemeSpecificPart();
      while (path.startsWith("/")) {
        path = path.substring(1);
      }
      source = uri.toString();
      try (InputStream in = loader == null ? null : loader.getResourceAsStream(path)) {
        if (in == null) {
          throw new CacheException("Cairn configuration " + uri + " not found on the class path");
        }
        all.load(in);
      } catch (IOException e) {
        throw new CacheException("reading Cairn configuration " + uri + ": " + e.getMessage(), e);
      }
    } else if (scheme.equals("file") || scheme.equals("jar") || scheme.equals("nested") || scheme.equals("http")
        || scheme.equals("https")) {
      source = uri.toString();
      try {
        URL url = uri.toURL();
        try (InputStream in = url.openStream()) {
          all.load(in);
        }
      } catch (IOException | IllegalArgumentException e) {
        throw new CacheException("reading Cairn configuration " + uri + ": " + e.getMessage(), e);
      }
    }
    for (String k : System.getProperties().stringPropertyNames()) {
      if (k.startsWith("cairn.default.") || k.startsWith("cairn.cache.") || k.startsWith("cairn.remote.")
          || k.startsWith("cairn.shared.") || k.equals("cairn.directory")) {
        all.setProperty(k, System.getProperty(k));
      }
    }
    if (given != null) {
      for (String k : given.stringPropertyNames()) {
        if (k.startsWith("cairn.") || k.startsWith("default.") || k.startsWith("cache.") || k.startsWith("remote.")
            || k.startsWith("shared.") || k.equals("directory")) {
          all.setProperty(k, given.getProperty(k));
        }
      }
    }
    return parse(all, source);
  }

  static ManagerProperties parse(Properties all, String source) {
    Map<String, String> defaults = new HashMap<>();
    Map<String, Map<String, String>> caches = new HashMap<>();
    Path root = Path.of("cairn-data");
    String remoteUri = null;
    Map<String, String> remoteOptions = new HashMap<>();
    Map<String, String> sharedKeys = new HashMap<>();
    for (String raw : all.stringPropertyNames()) {
      String value = all.getProperty(raw).trim();
      String key = raw.startsWith("cairn.") ? raw.substring(6) : raw;
      if (key.equals("directory")) {
        root = Path.of(value);
      } else if (key.equals("remote.uri")) {
        remoteUri = value.isEmpty() ? null : value;
      } else if (key.startsWith("remote.") && key.length() > 7) {
        remoteOptions.put(key.substring(7), value);
      } else if (key.startsWith("shared.")) {
        sharedKeys.put(key.substring(7), value);
      } else if (key.startsWith("default.")) {
        String setting = key.substring(8);
        check(setting, raw, value, source, null);
        defaults.put(setting, value);
      } else if (key.startsWith("cache.") && key.lastIndexOf('.') > 6) {
        int dot = key.lastIndexOf('.');
        String name = key.substring(6, dot);
        String setting = key.substring(dot + 1);
        check(setting, raw, value, source, name);
        caches.computeIfAbsent(name, n -> new HashMap<>()).put(setting, value);
      } else {
        throw new CacheException("Cairn configuration" + (source == null ? "" : " " + source) + ": unknown key "
            + raw + "=" + value + "; expected directory, default.<setting>, cache.<name>.<setting>, shared.<resource>"
            + " or remote.<option>");
      }
    }
    if (remoteUri == null && !remoteOptions.isEmpty()) {
      String first = remoteOptions.keySet().stream().sorted().findFirst().orElseThrow();
      throw new CacheException("Cairn configuration" + (source == null ? "" : " " + source) + ": remote." + first + "="
          + remoteOptions.get(first) + " is given but remote.uri is not: name the shared tier's endpoint with"
          + " remote.uri (redis://host:port, rediss://..., or a Cluster seed list)");
    }
    return new ManagerProperties(source, root, defaults, caches, remoteUri, Map.copyOf(remoteOptions),
        SharedResources.parse(sharedKeys, source));
  }

  /** Fails unless {@code setting} is one of {@link CairnSetting} and {@code value} a valid value of it. */
  private static void check(String setting, String raw, String value, String source, String cache) {
    CairnSetting s = CairnSetting.forKey(setting).orElseThrow(() -> new CacheException("Cairn configuration"
        + (source == null ? "" : " " + source) + ": unknown setting " + raw + "=" + value + "; settings are "
        + Stream.of(CairnSetting.values()).map(CairnSetting::key).sorted().toList()));
    s.parse(value, source, cache);
  }

  /** The settings of one cache: the defaults with the cache's own section on top. */
  Map<String, String> forCache(String name) {
    Map<String, String> m = new HashMap<>(defaults);
    Map<String, String> own = caches.get(name);
    if (own != null) {
      m.putAll(own);
    }
    return m;
  }

  Path root() {
    return root;
  }

  String source() {
    return source;
  }

  /** The shared tier's endpoint ({@code remote.uri}), or null: the manager's caches are local. */
  String remoteUri() {
    return remoteUri;
  }

  /** What the manager's caches share ({@code shared.*}). */
  SharedResources sharedResources() {
    return sharedResources;
  }

  /** The other {@code remote.*} settings, keyed without the prefix. */
  Map<String, String> remoteOptions() {
    return remoteOptions;
  }
}
