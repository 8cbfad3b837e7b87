package io.cairn.tck;

import io.cairn.engine.RedisServerProcess;
import java.io.IOException;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * The TCK's remote run ({@code -Dcairn.tck.remote=true}): starts a real redis-server on a free loopback port for the
 * session (the engine's {@link RedisServerProcess}: the one on the PATH, else the binary inside embedded-redis),
 * points every Cairn cache manager at it with {@code cairn.remote.uri}, and empties it before each test, as each test of the local runs starts with fresh caches.
 * A remote cache is the shared tier's view: a cache created again over entries an earlier test left would see them.
 */
public final class RemoteTckRedis implements LauncherSessionListener, TestExecutionListener {
  private static RedisServerProcess server;

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    if (!Boolean.getBoolean("cairn.tck.remote")) {
      return;
    }
    try {
      server = RedisServerProcess.start();
    } catch (IOException | InterruptedException | IllegalStateException e) {
      throw new IllegalStateException("the remote TCK run needs a redis-server: " + e, e);
    }
    System.setProperty("cairn.remote.uri", server.uri());
    System.setProperty("cairn.remote.ping-interval", "200ms");
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        throw new IllegalStateException("stopping the TCK's redis-server: " + e, e);
      }
    }
  }

  @Override
  public void executionStarted(TestIdentifier test) {
    if (server != null && test.isTest()) {
      String reply = server.call("FLUSHALL");
      if (!reply.startsWith("+OK")) {
        throw new IllegalStateException("FLUSHALL before " + test.getDisplayName() + " answered " + reply);
      }
    }
  }
}
