package io.cairn.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cairn get DIR KEY}: one key's live value, as a read of the store would return it; exit 1 if it has none. */
@Command(name = "get", description = "Print the value of one key (exit code 1 when the key has no live value).")
final class GetCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "the store directory")
  private Path dir;

  @Parameters(index = "1", paramLabel = "KEY", description = "the key")
  private String key;

  @Option(names = "--format", defaultValue = "utf8", paramLabel = "hex|utf8|json",
      description = "how the value is printed (default: ${DEFAULT-VALUE}; json prints the whole entry)")
  private Formats.Output format;

  @Option(names = "--key-format", defaultValue = "utf8", paramLabel = "hex|utf8",
      description = "how KEY is written (default: ${DEFAULT-VALUE}; utf8 reads \\xNN escapes)")
  private Formats.Input keyFormat;

  @Option(names = "--include-expired", description = "also return a value whose expiry has passed")
  private boolean includeExpired;

  @Override
  public Integer call() {
    byte[] k = Formats.parseKey(key, keyFormat, "KEY");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (StoreContents contents = new StoreContents(StoreFiles.lock(dir, 8L << 20))) {
      contents.notes().forEach(n -> err.println("note: " + n));
      StoreContents.Item item = contents.get(k, includeExpired, System.currentTimeMillis());
      if (item == null) {
        err.println("cairn get: no live value for key " + Formats.escaped(k) + " in " + dir);
        return Main.NO;
      }
      if (format == Formats.Output.json) {
        out.println(Formats.entry(item, format));
      } else {
        out.println(Formats.show(item.value(), format));
        if (item.expireAtMillis() != io.cairn.engine.Entry.NO_EXPIRY) {
          err.println("expires " + Instant.ofEpochMilli(item.expireAtMillis()));
        }
      }
      return Main.OK;
    }
  }
}
