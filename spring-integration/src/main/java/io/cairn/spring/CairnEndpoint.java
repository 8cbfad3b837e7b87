package io.cairn.spring;

import io.cairn.engine.StoreError;
import io.cairn.jcache.CairnCache;
import io.cairn.jcache.CairnCachingProvider;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.cache.Cache;
import javax.cache.CacheManager;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/cairn}: each Cairn cache's tiers ({@link CairnCache#tiers()}: heap entries, evictions and spills;
 * disk bytes, entries, reads, FIFO drops and the engine's events) and its engine's statistics (levels, tables,
 * amplification, flushes, compactions, filters, block cache, errors, space), by manager URI and cache name;
 * {@code /actuator/cairn/{cache}} for one cache. Read-only; reading never opens a disk tier.
 */
@Endpoint(id = "cairn")
public class CairnEndpoint {
  private final ObjectProvider<CacheManager> managers;

  public CairnEndpoint(ObjectProvider<CacheManager> managers) {
    this.managers = managers;
  }

  /** Every Cairn manager's caches. */
  @ReadOperation
  public Map<String, Object> caches() {
    Map<String, Object> out = new LinkedHashMap<>();
    for (CacheManager m : cairnManagers()) {
      Map<String, Object> caches = new LinkedHashMap<>();
      for (String name : m.getCacheNames()) {
        Cache<?, ?> c = m.getCache(name);
        if (c != null) {
          caches.put(name, describe(c));
        }
      }
      Map<String, Object> manager = new LinkedHashMap<>();
      manager.put("caches", caches);
      out.put(m.getURI().toString(), manager);
    }
    return Map.of("managers", out);
  }

  /** One cache, or null (404) if no Cairn manager has it. */
  @ReadOperation
  public Map<String, Object> cache(@Selector String cache) {
    for (CacheManager m : cairnManagers()) {
      Cache<?, ?> c = m.getCache(cache);
      if (c != null) {
        Map<String, Object> out = describe(c);
        out.put("manager", m.getURI().toString());
        return out;
      }
    }
    return null;
  }

  private List<CacheManager> cairnManagers() {
    return managers.orderedStream()
        .filter(m -> !m.isClosed() && m.getCachingProvider() instanceof CairnCachingProvider).toList();
  }

  private static Map<String, Object> describe(Cache<?, ?> c) {
    @SuppressWarnings("unchecked")
    Map<String, Object> tiers = (Map<String, Object>) plain(c.unwrap(CairnCache.class).tiers());
    Object disk = tiers.get("disk");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", c.getName());
    out.put("tiers", tiers);
    if (disk instanceof Map<?, ?> d) {
      // The engine's statistics stand beside the tiers, not inside the disk tier's figures.
      out.put("engine", d.get("engine"));
      d.remove("engine");
    }
    return out;
  }

  /**
   * A record as nested maps (component name → value) of numbers, booleans, strings and lists, which any JSON mapper
   * writes as it is; an engine error as its one-line description, paths and enums as text.
   */
  static Object plain(Object o) {
    if (o == null || o instanceof Number || o instanceof Boolean || o instanceof String) {
      return o;
    }
    if (o instanceof StoreError e) {
      return e.describe();
    }
    if (o instanceof Path || o instanceof Enum<?> || o instanceof Throwable) {
      return o.toString();
    }
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      for (Object x : l) {
        out.add(plain(x));
      }
      return out;
    }
    if (o instanceof Record r) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (RecordComponent rc : r.getClass().getRecordComponents()) {
        try {
          out.put(rc.getName(), plain(rc.getAccessor().invoke(r)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("reading " + rc + " of " + r.getClass().getName(), e);
        }
      }
      return out;
    }
    return o.toString();
  }
}
