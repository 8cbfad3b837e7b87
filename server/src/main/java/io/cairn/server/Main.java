package io.cairn.server;

import java.util.Arrays;

/**
 * {@code java -jar cairn-server.jar [config-file] [--setting value...]}: starts the server, and on SIGTERM (or a
 * client's SHUTDOWN) flushes and closes its databases before the process exits. A bad setting prints the error
 * naming it and exits with status 1.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    CairnServer server;
    try {
      server = CairnServer.start(Arrays.asList(args));
    } catch (IllegalArgumentException | IllegalStateException | javax.cache.CacheException e) {
      System.err.println("cairn-server: " + e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "cairn-server-sigterm"));
    server.log("ready to accept connections on port " + server.port() + " (" + server.transport() + ", Cairn "
        + CairnServer.CAIRN_VERSION + ")");
    server.awaitClosed();
    server.log("closed; bye");
  }
}
