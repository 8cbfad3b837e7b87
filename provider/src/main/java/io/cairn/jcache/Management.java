package io.cairn.jcache;

import java.lang.management.ManagementFactory;
import javax.cache.CacheException;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Registers a cache's MXBeans in the platform MBeanServer under the standard names
 * {@code javax.cache:type=CacheConfiguration|CacheStatistics,CacheManager=<uri>,Cache=<name>}, where ',', ':', '=' and
 * newlines in the URI and name become '.'.
 */
final class Management {
  enum Kind {
    CONFIGURATION("CacheConfiguration"),
    STATISTICS("CacheStatistics");

    final String type;

    Kind(String type) {
      this.type = type;
    }
  }

  private Management() {}

  static ObjectName name(TieredCache<?, ?> cache, Kind kind) {
    String s = "javax.cache:type=" + kind.type + ",CacheManager=" + safe(cache.getCacheManager().getURI().toString())
        + ",Cache=" + safe(cache.getName());
    try {
      return new ObjectName(s);
    } catch (MalformedObjectNameException e) {
      throw new CacheException("bad MBean name " + s, e);
    }
  }

  private static String safe(String s) {
    return s == null ? "" : s.replaceAll("[,:=\n]", ".");
  }

  static void register(TieredCache<?, ?> cache, Kind kind, Object bean) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = name(cache, kind);
    try {
      if (!server.isRegistered(name)) {
        server.registerMBean(bean, name);
      }
    } catch (InstanceAlreadyExistsException ignored) {
      // Registered by a racing call: the same cache's bean.
    } catch (Exception e) {
      throw new CacheException("registering " + name + ": " + e.getMessage(), e);
    }
  }

  static void unregister(TieredCache<?, ?> cache, Kind kind) {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = name(cache, kind);
    try {
      if (server.isRegistered(name)) {
        server.unregisterMBean(name);
      }
    } catch (InstanceNotFoundException ignored) {
      // Already gone.
    } catch (Exception e) {
      throw new CacheException("unregistering " + name + ": " + e.getMessage(), e);
    }
  }

  /** The configuration MXBean: a live view of the cache's configuration. */
  static final class ConfigurationBean implements CacheMXBean {
    private final CompleteConfiguration<?, ?> config;

    ConfigurationBean(CompleteConfiguration<?, ?> config) {
      this.config = config;
    }

    @Override
    public String getKeyType() {
      return config.getKeyType().getName();
    }

    @Override
    public String getValueType() {
      return config.getValueType().getName();
    }

    @Override
    public boolean isReadThrough() {
      return config.isReadThrough();
    }

    @Override
    public boolean isWriteThrough() {
      return config.isWriteThrough();
    }

    @Override
    public boolean isStoreByValue() {
      return config.isStoreByValue();
    }

    @Override
    public boolean isStatisticsEnabled() {
      return config.isStatisticsEnabled();
    }

    @Override
    public boolean isManagementEnabled() {
      return config.isManagementEnabled();
    }
  }
}
