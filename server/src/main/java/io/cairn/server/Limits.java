package io.cairn.server;

/**
 * The client limits of redis.conf that need watching while the server runs: client-output-buffer-limit (hard: close
 * at once; soft: close after the bytes stayed above it for the soft seconds) and timeout (close idle clients, except
 * subscribers, as Redis does). maxclients and the request-size limits are enforced where connections and requests
 * arrive ({@link Connection}, {@link RespParser}).
 *
 * <p>Thread-safety: {@link #checkOutput} runs on the session's event loop; {@link #sweep} on the server's timer and
 * only reads sessions, closing their channels (which Netty makes safe from any thread).
 */
final class Limits {
  private final CairnServer server;

  Limits(CairnServer server) {
    this.server = server;
  }

  private ServerConfig.OutputLimit limitOf(Session s) {
    // A monitor is fed like a subscriber, by other clients' commands rather than its own: it gets the pubsub class's
    // limit (Redis counts it as a normal client, unlimited by default, so a stalled MONITOR grows without bound there).
    return s.subscriptions.count() > 0 || server.monitors.contains(s) ? server.config.pubsubLimit
        : server.config.normalLimit;
  }

  /**
   * After output was queued for {@code s} (a push, or a large batch of replies): closes it if it is over its class's
   * hard limit, or over the soft one for too long.
   */
  void checkOutput(Session s) {
    ServerConfig.OutputLimit l = limitOf(s);
    if (l.none()) {
      return;
    }
    long pending = s.pendingOutputBytes();
    long now = System.currentTimeMillis();
    if (l.hardBytes() > 0 && pending > l.hardBytes()) {
      cut(s, pending);
    } else if (l.softBytes() > 0 && pending > l.softBytes()) {
      if (s.softLimitSinceMillis == 0) {
        s.softLimitSinceMillis = now;
      } else if (now - s.softLimitSinceMillis >= l.softSeconds() * 1000) {
        cut(s, pending);
      }
    } else {
      s.softLimitSinceMillis = 0;
    }
  }

  private void cut(Session s, long pending) {
    if (s.closed || !s.channel.isActive()) {
      return;
    }
    server.stats.outputLimitDisconnections.increment();
    server.log("Client id=" + s.id + " addr=" + s.channel.remoteAddress() + " closed for overcoming of output buffer "
        + "limits (" + pending + " bytes pending).");
    s.channel.close();
  }

  /** Once a second: idle clients past the timeout, and soft output limits held too long. */
  void sweep() {
    long timeout = server.config.timeoutSeconds;
    long now = System.currentTimeMillis();
    for (Session s : server.sessions()) {
      if (timeout > 0 && s.subscriptions.count() == 0 && now - s.lastInteractionMillis > timeout * 1000) {
        server.stats.timedOut.increment();
        s.channel.close();
        continue;
      }
      if (s.softLimitSinceMillis != 0) {
        s.channel.eventLoop().execute(() -> checkOutput(s));
      }
    }
  }
}
