package io.cairn.redis;

import io.cairn.jcache.spi.SharedStore;
import io.cairn.jcache.spi.SharedTierProvider;
import java.util.Map;

/**
 * Cairn's shared tier over Redis or Redis Cluster, registered in
 * {@code META-INF/services/io.cairn.jcache.spi.SharedTierProvider}: serves {@code redis://}, {@code rediss://} and
 * seed lists of them.
 */
public final class RedisTierProvider implements SharedTierProvider {
  @Override
  public boolean accepts(String uri) {
    return RedisEndpoint.accepts(uri);
  }

  @Override
  public SharedStore connect(String uri, Map<String, String> options, String namespace) {
    RemoteOptions o = RemoteOptions.parse(options);
    return new RedisStore(RedisEndpoint.parse(uri, o.cluster(), o.timeout()), o, namespace);
  }
}
