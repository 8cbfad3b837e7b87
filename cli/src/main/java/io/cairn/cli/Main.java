package io.cairn.cli;

import io.cairn.engine.StoreException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code cairn} command. Exit codes: 0 done (verify: clean), 1 the answer is "no" (verify found problems, get
 * found no such key), 2 the command could not run (bad arguments, no store there, the directory is locked by an open
 * store, damage that stops a read).
 */
@Command(name = "cairn", mixinStandardHelpOptions = true, version = "cairn 0.1.0",
    description = "Inspect, verify, dump and compact a Cairn engine directory or a cache's disk directory.",
    subcommands = {InspectCommand.class, VerifyCommand.class, DumpCommand.class, GetCommand.class,
        CompactCommand.class, CacheCommand.class},
    exitCodeOnInvalidInput = Main.CANNOT_RUN, exitCodeOnExecutionException = Main.CANNOT_RUN)
public final class Main implements Runnable {
  static final int OK = 0;
  static final int NO = 1;
  static final int CANNOT_RUN = 2;

  @Spec
  private CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command: inspect, verify, dump, get, "
        + "compact or cache (cairn --help tells more)");
  }

  public static void main(String[] args) {
    System.exit(run(System.out, System.err, args));
  }

  /** Runs one command line, writing to {@code out} and {@code err}; returns the exit code. */
  static int run(PrintStream out, PrintStream err, String... args) {
    PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
    PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(o);
    cl.setErr(e);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      line.getErr().println("cairn " + line.getCommandName() + ": " + message(ex));
      if (!(ex instanceof CliException) && !(ex instanceof StoreException)) {
        ex.printStackTrace(line.getErr());
      }
      return CANNOT_RUN;
    });
    try {
      return cl.execute(args);
    } finally {
      o.flush();
      e.flush();
    }
  }

  private static String message(Exception ex) {
    return ex.getMessage() != null ? ex.getMessage() : ex.toString();
  }
}
