package io.cairn.server;

import io.cairn.engine.TestFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A Cairn server started in this JVM on a free loopback port, with a data directory of its own. */
final class TestServer implements AutoCloseable {
  final CairnServer server;
  final Path dir;
  private final boolean ownDir;

  private TestServer(CairnServer server, Path dir, boolean ownDir) {
    this.server = server;
    this.dir = dir;
    this.ownDir = ownDir;
  }

  /** Starts a server with these extra {@code --setting value} arguments. */
  static TestServer start(String... settings) throws Exception {
    return start(Files.createTempDirectory("cairn-server-test-"), true, settings);
  }

  static TestServer start(Path dir, boolean ownDir, String... settings) throws Exception {
    List<String> args = new ArrayList<>(List.of("--port", "0", "--dir", dir.toString(), "--io-threads", "2",
        "--heap-entries", "10000", "--disk-bytes", "64mb"));
    args.addAll(Arrays.asList(settings));
    return new TestServer(CairnServer.start(args), dir, ownDir);
  }

  int port() {
    return server.port();
  }

  RespClient client() throws IOException {
    return new RespClient("127.0.0.1", port());
  }

  @Override
  public void close() throws IOException {
    server.close();
    if (ownDir) {
      TestFiles.deleteTree(dir);
    }
  }

}
