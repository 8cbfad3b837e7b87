package io.cairn.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs for the tests that kill a process or run several (the engine's test-jar, used by every module's crash,
 * staleness and multi-process suites): a child runs a main class of the test class path with this JVM's java, and is
 * killed with SIGKILL.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * {@code java -Xmx256m <options> -cp <this JVM's class path> <main> <args>}, standard error merged into standard
   * output; the caller may redirect it further before starting.
   */
  public static ProcessBuilder builder(Class<?> main, List<String> options, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(options);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true);
  }

  /**
   * SIGKILL, sent through the process handle: unlike {@link Process#destroyForcibly} it leaves the pipes open, so the
   * parent still reads everything the child wrote before it died (its acknowledgements). Waits up to 30 s for the
   * end; returns whether it came.
   */
  public static boolean kill9(Process p) throws InterruptedException {
    p.toHandle().destroyForcibly();
    return p.waitFor(30, TimeUnit.SECONDS);
  }
}
