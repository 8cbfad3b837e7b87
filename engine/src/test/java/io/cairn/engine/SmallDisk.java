package io.cairn.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real, small file system for tests of a full disk (the engine's test-jar): a tmpfs of a few MiB mounted on a new
 * temporary directory. Mounting needs root; {@link #mount} says why not otherwise, so the test can skip saying so.
 */
public final class SmallDisk implements AutoCloseable {
  private final Path root;

  private SmallDisk(Path root) {
    this.root = root;
  }

  /** The mounted file system's root. */
  public Path root() {
    return root;
  }

  /**
   * For a test: a tmpfs of {@code mib} MiB with {@code fillerBytes} of it taken by a file named {@code filler} (which
   * the test deletes to free space), or the test is skipped (JUnit's assumption), saying why.
   */
  public static SmallDisk mountOrSkip(int mib, int fillerBytes) throws IOException, InterruptedException {
    String[] why = new String[1];
    SmallDisk disk = mount(mib, why);
    org.junit.jupiter.api.Assumptions.assumeTrue(disk != null,
        () -> "skipped: no " + mib + " MiB tmpfs to fill (" + why[0] + ")");
    try {
      Files.write(disk.filler(), new byte[fillerBytes]);
    } catch (IOException e) {
      disk.close();
      throw e;
    }
    return disk;
  }

  /** The file {@link #mountOrSkip} wrote to take part of the disk. */
  public Path filler() {
    return root.resolve("filler");
  }

  /** A tmpfs of {@code mib} MiB, or null with the reason in {@code why[0]}. */
  public static SmallDisk mount(int mib, String[] why) throws IOException, InterruptedException {
    if (!"root".equals(System.getProperty("user.name"))) {
      why[0] = "mounting needs root; running as " + System.getProperty("user.name");
      return null;
    }
    Path dir = Files.createTempDirectory("cairn-tmpfs-");
    try {
      Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + mib + "m", "tmpfs", dir.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0) {
        why[0] = "mount failed: " + out;
        Files.deleteIfExists(dir);
        return null;
      }
    } catch (IOException e) {
      why[0] = "cannot run mount: " + e.getMessage();
      Files.deleteIfExists(dir);
      return null;
    }
    return new SmallDisk(dir);
  }

  /**
   * Unmounts it and removes the mount point. A file system still in use (a test that failed with files open) is
   * detached lazily, so the test's own failure is what it reports.
   */
  @Override
  public void close() throws IOException {
    try {
      if (new ProcessBuilder("umount", root.toString()).inheritIO().start().waitFor() != 0) {
        new ProcessBuilder("umount", "-l", root.toString()).inheritIO().start().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    TestFiles.deleteTree(root);
  }
}
