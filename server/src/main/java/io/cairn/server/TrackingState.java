package io.cairn.server;

import java.util.List;

/**
 * A connection's CLIENT TRACKING settings. Written by the connection's own event loop (CLIENT TRACKING, RESET,
 * close); read by any writer's thread deciding where an invalidation goes, hence volatile.
 */
final class TrackingState {
  volatile boolean enabled;
  volatile boolean bcast;
  volatile boolean optin;
  volatile boolean optout;
  volatile boolean noloop;
  /** The client id invalidations go to instead of this connection (0: none). */
  volatile long redirect;
  volatile List<byte[]> prefixes = List.of();
  /**
   * CLIENT CACHING was given for the next command (or the rest of a transaction): YES under OPTIN, NO under OPTOUT.
   * Event loop only.
   */
  boolean cachingGiven;

  /** Whether a read by this connection should be remembered, given OPTIN/OPTOUT and CLIENT CACHING. */
  boolean remembers() {
    if (!enabled || bcast) {
      return false;
    }
    if (optin) {
      return cachingGiven;
    }
    return !(optout && cachingGiven);
  }

  /** After a command: CLIENT CACHING lasts one command, or to the end of a transaction. */
  void commandDone(boolean keep) {
    if (!keep) {
      cachingGiven = false;
    }
  }
}
