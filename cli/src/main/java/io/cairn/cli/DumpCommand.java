package io.cairn.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn dump DIR}: the live entries in key order, as a read of the store would see them (tables and unflushed
 * logs merged; see {@link StoreContents}). Entries go to standard output, one a line; the count to standard error.
 */
@Command(name = "dump", description = "Print the live entries in key order (tables and logs merged, newest version"
    + " of each key, deleted and expired keys left out).")
final class DumpCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "the store directory")
  private Path dir;

  @Option(names = "--from", paramLabel = "KEY", description = "the first key (inclusive)")
  private String from;

  @Option(names = "--to", paramLabel = "KEY", description = "where to stop (exclusive)")
  private String to;

  @Option(names = "--limit", paramLabel = "N", description = "print at most N entries")
  private Long limit;

  @Option(names = "--format", defaultValue = "utf8", paramLabel = "hex|utf8|json",
      description = "how entries are printed (default: ${DEFAULT-VALUE})")
  private Formats.Output format;

  @Option(names = "--key-format", defaultValue = "utf8", paramLabel = "hex|utf8",
      description = "how --from and --to are written (default: ${DEFAULT-VALUE}; utf8 reads \\xNN escapes)")
  private Formats.Input keyFormat;

  @Option(names = "--include-expired", description = "also print entries whose expiry has passed")
  private boolean includeExpired;

  @Override
  public Integer call() {
    if (limit != null && limit < 1) {
      throw new CliException("--limit must be at least 1, was " + limit);
    }
    byte[] lo = from == null ? null : Formats.parseKey(from, keyFormat, "--from");
    byte[] hi = to == null ? null : Formats.parseKey(to, keyFormat, "--to");
    if (lo != null && hi != null && Arrays.compareUnsigned(lo, hi) > 0) {
      throw new CliException("--from " + from + " sorts after --to " + to + ": the range is empty");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long max = limit == null ? Long.MAX_VALUE : limit;
    long[] printed = {0};
    try (StoreContents contents = new StoreContents(StoreFiles.lock(dir, 8L << 20))) {
      contents.notes().forEach(n -> err.println("note: " + n));
      contents.scan(lo, hi, includeExpired, System.currentTimeMillis(), item -> {
        out.println(Formats.entry(item, format));
        return ++printed[0] < max;
      });
    }
    out.flush();
    err.println(printed[0] + (printed[0] == 1 ? " entry" : " entries") + (printed[0] == max ? " (--limit)" : ""));
    return Main.OK;
  }
}
