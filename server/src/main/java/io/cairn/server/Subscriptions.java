package io.cairn.server;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A connection's pub/sub channels and patterns, in subscription order. Changed by its event loop only;
 * {@link #count} is volatile so the output limits (checked from other threads' deliveries) see the client's class.
 */
final class Subscriptions {
  final Set<Key> channels = new LinkedHashSet<>();
  final Set<Key> patterns = new LinkedHashSet<>();
  private volatile int count;

  int count() {
    return count;
  }

  void recount() {
    count = channels.size() + patterns.size();
  }
}
