package io.cairn.cli;

import io.cairn.engine.format.InternalKey;
import io.cairn.engine.sstable.TableProperties;
import io.cairn.engine.sstable.TableReader;
import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.Run;
import io.cairn.engine.wal.LogReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn inspect DIR}: the store's shape from its manifest and the tables' properties, read without opening the
 * store: levels, runs, tables, bytes, entries, tombstones, key and expiry ranges, compression, space and read
 * amplification, and the logs not yet in tables. Reads no data block.
 */
@Command(name = "inspect", description = "Levels, runs, tables, bytes, entries, tombstones, key ranges, expiry"
    + " ranges and amplification of a store directory (reads the manifest and each table's properties).")
final class InspectCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "the store directory")
  private Path dir;

  @Option(names = "--format", defaultValue = "utf8", paramLabel = "hex|utf8",
      description = "how keys are shown (default: ${DEFAULT-VALUE})")
  private Formats.Output format;

  @Override
  public Integer call() throws IOException {
    if (format == Formats.Output.json) {
      throw new CliException("--format json is for dump and get; inspect shows keys as hex or utf8");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (StoreFiles files = StoreFiles.lock(dir, 0)) {
      StoreFiles.Manifest m = files.manifest();
      out.println("store        " + dir);
      out.println("manifest     " + m.file().getFileName() + " (format " + m.formatVersion() + ", " + m.records()
          + " records), compaction " + m.style());
      out.println("sequence     " + Formats.bytes(m.lastSequence()) + " (last in the manifest), next file number "
          + m.nextFileNumber());
      List<Path> logs = files.logs(m.logNumber());
      if (logs.isEmpty()) {
        out.println("logs         none to replay");
      }
      for (Path log : logs) {
        out.println("log          " + log.getFileName() + ": " + Formats.bytes(Files.size(log)) + " bytes, "
            + records(files, log) + " write batches not yet in tables");
      }
      out.println();
      out.printf("%-6s %5s %6s %14s %12s %11s %10s%n", "level", "runs", "tables", "bytes", "entries", "tombstones",
          "expiring");
      long totalBytes = 0;
      long largest = 0;
      long totalEntries = 0;
      long totalTombstones = 0;
      long totalExpiring = 0;
      int totalFiles = 0;
      int runs = 0;
      StringBuilder runsByLevel = new StringBuilder();
      for (int level = 0; level < m.levels().size(); level++) {
        List<FileMeta> inLevel = m.levels().get(level);
        long bytes = 0;
        long entries = 0;
        long tombstones = 0;
        long expiring = 0;
        for (FileMeta f : inLevel) {
          bytes += f.fileBytes();
          entries += f.entries();
          tombstones += f.tombstones();
          expiring += f.expiringEntries();
        }
        int levelRuns = m.runs(level).size();
        out.printf("L%-5d %5d %6d %14s %12s %11s %10s%n", level, levelRuns, inLevel.size(), Formats.bytes(bytes),
            Formats.bytes(entries), Formats.bytes(tombstones), Formats.bytes(expiring));
        totalBytes += bytes;
        largest = Math.max(largest, bytes);
        totalEntries += entries;
        totalTombstones += tombstones;
        totalExpiring += expiring;
        totalFiles += inLevel.size();
        runs += levelRuns;
        if (levelRuns > 0) {
          runsByLevel.append(runsByLevel.length() == 0 ? "" : ", ").append(levelRuns).append(" in L").append(level);
        }
      }
      out.printf("%-6s %5d %6d %14s %12s %11s %10s%n", "total", runs, totalFiles, Formats.bytes(totalBytes),
          Formats.bytes(totalEntries), Formats.bytes(totalTombstones), Formats.bytes(totalExpiring));
      out.println();
      out.printf("space amplification  %.2f (bytes in all tables per byte in the largest level)%n",
          largest == 0 ? 0.0 : (double) totalBytes / largest);
      out.println("read amplification   " + runs + " (sorted runs a point read may ask"
          + (runs == 0 ? "" : ": " + runsByLevel) + ")");
      long raw = 0;
      long stored = 0;
      for (FileMeta f : m.allFiles()) {
        TableProperties p = files.table(f.fileNumber()).properties();
        raw += p.storedBlockBytes() > 0 ? p.rawBlockBytes() : f.fileBytes();
        stored += p.storedBlockBytes() > 0 ? p.storedBlockBytes() : f.fileBytes();
      }
      out.printf("compression          %.2fx (data and index blocks: %s bytes raw in %s stored)%n",
          stored == 0 ? 1.0 : (double) raw / stored, Formats.bytes(raw), Formats.bytes(stored));
      if (totalFiles > 0) {
        out.println();
        out.println("tables (each level's runs newest first)");
      }
      for (int level = 0; level < m.levels().size(); level++) {
        for (Run run : m.runs(level)) {
          for (FileMeta f : run.files()) {
            table(out, files.table(f.fileNumber()), level, run.runId(), f);
          }
        }
      }
      return Main.OK;
    }
  }

  private void table(PrintWriter out, TableReader t, int level, long runId, FileMeta f) {
    TableProperties p = t.properties();
    out.println("  L" + level + " run " + runId + "  " + t.path().getFileName() + "  " + Formats.bytes(f.fileBytes())
        + " bytes, " + Formats.bytes(p.entries()) + " entries, " + Formats.bytes(p.tombstones()) + " tombstones, "
        + p.dataBlocks() + " data blocks, " + p.compression() + ", index " + t.indexLayout()
        + (t.indexLevels() > 1 ? " (" + t.indexLevels() + " levels)" : ""));
    out.println("      keys    " + Formats.show(InternalKey.userKey(p.smallest()), format) + " .. "
        + Formats.show(InternalKey.userKey(p.largest()), format) + "  (sequences " + p.minSequence() + " .. "
        + p.maxSequence() + ")");
    if (p.expiringEntries() > 0) {
      out.println("      expiry  " + Instant.ofEpochMilli(p.minExpireAtMillis()) + " .. "
          + Instant.ofEpochMilli(p.maxExpireAtMillis()) + "  (" + Formats.bytes(p.expiringEntries())
          + " expiring entries)");
    }
  }

  /** Write batches in a log (up to a torn tail). */
  private static String records(StoreFiles files, Path log) {
    long n = 0;
    try (LogReader r = new LogReader(files.fileSystem(), log)) {
      while (r.next() != null) {
        n++;
      }
      return Formats.bytes(n) + (r.tornTail() ? " (then a torn tail)" : "");
    } catch (IOException | RuntimeException e) {
      return Formats.bytes(n) + " readable (then: " + e.getMessage() + "; run cairn verify)";
    }
  }
}
