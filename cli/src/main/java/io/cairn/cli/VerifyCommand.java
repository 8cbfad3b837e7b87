package io.cairn.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn verify DIR}: reads every block, checks every checksum; exit 0 only when clean. See {@link Verifier}. */
@Command(name = "verify", description = {"Read every block of every live table, the manifest and the logs, checking"
    + " every checksum. Names the file and offset of each problem.",
    "Exit code 0 only when clean (a torn log tail is a warning, an error with --strict), 1 when damaged."})
final class VerifyCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "the store directory")
  private Path dir;

  @Option(names = "--strict", description = "a torn log tail fails the run too")
  private boolean strict;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (StoreFiles files = StoreFiles.lock(dir, 0)) {
      out.println("verifying " + dir);
      Verifier.Report r = new Verifier(files, out).run();
      out.println();
      if (r.problems().isEmpty()) {
        out.println("clean: manifest, " + Formats.count(r.tables(), "table") + " (" + Formats.bytes(r.entries())
            + " entries), " + Formats.count(r.logs(), "log")
            + (r.warnings().isEmpty() ? "" : "; " + Formats.count(r.warnings().size(), "warning")));
      } else {
        out.println(r.problems().size() + (r.problems().size() == 1 ? " problem:" : " problems:"));
        for (Problem p : r.problems()) {
          out.println("  " + p.file() + " at offset " + p.offset() + ": " + p.what());
        }
      }
      for (String w : r.warnings()) {
        out.println("warning: " + w);
      }
      return r.clean(strict) ? Main.OK : Main.NO;
    }
  }
}
