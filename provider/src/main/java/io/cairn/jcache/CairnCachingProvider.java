package io.cairn.jcache;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * Cairn's JCache provider, registered in {@code META-INF/services/javax.cache.spi.CachingProvider}. One cache manager
 * per (URI, class loader); a closed manager is replaced by a new one on the next request.
 *
 * <p>The default URI, {@code urn:cairn:default}, reads {@code cairn.properties} from the class path when there is one;
 * any other {@code classpath:}, {@code file:} or {@code jar:} URI names a properties file of Cairn settings.
 */
public final class CairnCachingProvider implements CachingProvider {
  static final URI DEFAULT_URI = URI.create("urn:cairn:default");

  private final Map<ClassLoader, Map<URI, CairnCacheManager>> managers = new WeakHashMap<>();

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader, Properties properties) {
    URI u = uri == null ? getDefaultURI() : uri;
    ClassLoader cl = classLoader == null ? getDefaultClassLoader() : classLoader;
    synchronized (managers) {
      Map<URI, CairnCacheManager> byUri = managers.computeIfAbsent(cl, k -> new HashMap<>());
      CairnCacheManager m = byUri.get(u);
      if (m == null || m.isClosed()) {
        Properties p = properties == null ? getDefaultProperties() : properties;
        m = new CairnCacheManager(this, u, cl, withDefaultFile(u, cl, p));
        byUri.put(u, m);
      }
      return m;
    }
  }

  private static Properties withDefaultFile(URI u, ClassLoader cl, Properties p) {
    if (!u.equals(DEFAULT_URI) || cl.getResource("cairn.properties") == null) {
      return p;
    }
    Properties merged = new Properties();
    try (java.io.InputStream in = cl.getResourceAsStream("cairn.properties")) {
      merged.load(in);
    } catch (java.io.IOException e) {
      throw new javax.cache.CacheException("reading cairn.properties from the class path: " + e.getMessage(), e);
    }
    merged.putAll(p);
    return merged;
  }

  /** Called by a closing manager. */
  void release(CairnCacheManager manager) {
    synchronized (managers) {
      Map<URI, CairnCacheManager> byUri = managers.get(manager.getClassLoader());
      if (byUri != null && byUri.get(manager.getURI()) == manager) {
        byUri.remove(manager.getURI());
        if (byUri.isEmpty()) {
          managers.remove(manager.getClassLoader());
        }
      }
    }
  }

  @Override
  public ClassLoader getDefaultClassLoader() {
    ClassLoader tccl = Thread.currentThread().getContextClassLoader();
    return tccl != null ? tccl : CairnCachingProvider.class.getClassLoader();
  }

  @Override
  public URI getDefaultURI() {
    return DEFAULT_URI;
  }

  @Override
  public Properties getDefaultProperties() {
    return new Properties();
  }

  @Override
  public CacheManager getCacheManager(URI uri, ClassLoader classLoader) {
    return getCacheManager(uri, classLoader, getDefaultProperties());
  }

  @Override
  public CacheManager getCacheManager() {
    return getCacheManager(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
  }

  @Override
  public void close() {
    for (CairnCacheManager m : snapshot(null)) {
      m.close();
    }
  }

  @Override
  public void close(ClassLoader classLoader) {
    ClassLoader cl = classLoader == null ? getDefaultClassLoader() : classLoader;
    for (CairnCacheManager m : snapshot(cl)) {
      m.close();
    }
  }

  @Override
  public void close(URI uri, ClassLoader classLoader) {
    URI u = uri == null ? getDefaultURI() : uri;
    ClassLoader cl = classLoader == null ? getDefaultClassLoader() : classLoader;
    CairnCacheManager m;
    synchronized (managers) {
      Map<URI, CairnCacheManager> byUri = managers.get(cl);
      m = byUri == null ? null : byUri.get(u);
    }
    if (m != null) {
      m.close();
    }
  }

  private java.util.List<CairnCacheManager> snapshot(ClassLoader only) {
    java.util.List<CairnCacheManager> out = new java.util.ArrayList<>();
    synchronized (managers) {
      for (Map.Entry<ClassLoader, Map<URI, CairnCacheManager>> e : managers.entrySet()) {
        if (only == null || e.getKey() == only) {
          out.addAll(e.getValue().values());
        }
      }
    }
    return out;
  }

  @Override
  public boolean isSupported(OptionalFeature feature) {
    return feature == OptionalFeature.STORE_BY_REFERENCE;
  }
}
