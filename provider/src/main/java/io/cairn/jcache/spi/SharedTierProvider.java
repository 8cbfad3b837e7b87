package io.cairn.jcache.spi;

import java.util.Map;

/**
 * Connects a cache manager to a shared tier, found with {@link java.util.ServiceLoader} (register the class in
 * {@code META-INF/services/io.cairn.jcache.spi.SharedTierProvider}). The manager's {@code remote.uri} setting names
 * the endpoint; the first provider that {@link #accepts} it is used.
 */
public interface SharedTierProvider {
  /** Whether this provider serves {@code uri} (for example {@code redis://host:6379}). */
  boolean accepts(String uri);

  /**
   * Connects for one cache manager. {@code options} are the manager's other {@code remote.*} settings without the
   * {@code remote.} prefix; an unknown option or a bad value fails with an {@link IllegalArgumentException} naming the
   * key ({@code remote.<option>}) and the value. {@code namespace} names the manager in the shared key space.
   */
  SharedStore connect(String uri, Map<String, String> options, String namespace);
}
