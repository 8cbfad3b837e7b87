package io.cairn.cli;

import io.cairn.engine.CorruptionException;
import io.cairn.engine.StoreException;
import io.cairn.engine.WriteBatch;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.sstable.TableProperties;
import io.cairn.engine.sstable.TableReader;
import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.FileNames;
import io.cairn.engine.wal.LogReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks every byte a store would read: CURRENT and the manifest (each edit decoded and applied, each listed table
 * present), every live table (footer, properties, every index and data block and the filter with their checksums,
 * key order, and the counts and key range the manifest recorded), and every log recovery would replay (each chunk's
 * checksum, each record decoded as a write batch). It goes on past a damaged block to the next block its table's index
 * names, and past a damaged file to the next file, so one run names every damaged table block, and every damaged log
 * or manifest with the offset of its first bad chunk (a log cannot be read on past bad framing).
 *
 * <p>A torn log tail (the end of a write cut by a crash) is not damage: the store cuts it at open, losing only the
 * write that was cut. It is a warning, which fails the run only under {@code --strict}.
 */
final class Verifier {
  /** What one run found. */
  record Report(List<Problem> problems, List<String> warnings, int tables, int logs, long entries) {
    boolean clean(boolean strict) {
      return problems.isEmpty() && (!strict || warnings.isEmpty());
    }
  }

  private final StoreFiles files;
  private final PrintWriter out;
  private final List<Problem> problems = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  Verifier(StoreFiles files, PrintWriter out) {
    this.files = files;
    this.out = out;
  }

  Report run() {
    StoreFiles.Manifest m = files.readManifest(problems);
    if (m == null) {
      out.println("manifest: " + problems.get(problems.size() - 1));
      return new Report(problems, warnings, 0, 0, 0);
    }
    out.println("manifest: " + m.file().getFileName() + " (format " + m.formatVersion() + ", " + m.records()
        + " records, " + m.allFiles().size() + " tables): " + (problems.isEmpty() ? "ok" : problems.size()
        + " problems"));
    int tables = 0;
    long entries = 0;
    Set<Long> live = new HashSet<>();
    for (int level = 0; level < m.levels().size(); level++) {
      for (FileMeta f : m.levels().get(level)) {
        live.add(f.fileNumber());
        Path path = FileNames.table(files.directory(), f.fileNumber());
        if (!files.fileSystem().exists(path)) {
          continue;
        }
        tables++;
        long n = table(level, f, path);
        entries += Math.max(0, n);
      }
    }
    for (String name : files.list()) {
      FileNames.Parsed p = FileNames.parse(name);
      if (p.kind() == FileNames.Kind.TABLE && !live.contains(p.number())) {
        out.println(name + ": not in the manifest (a leftover of a job cut short; the store deletes it), not read");
      }
    }
    int logs = 0;
    for (Path log : files.logs(m.logNumber())) {
      logs++;
      log(log);
    }
    return new Report(problems, warnings, tables, logs, entries);
  }

  /** Checks one table; returns its entries, or -1 if it is damaged. */
  private long table(int level, FileMeta f, Path path) {
    String name = path.getFileName().toString();
    int before = problems.size();
    try {
      TableReader t = files.table(f.fileNumber());
      if (t.fileSize() != f.fileBytes()) {
        problems.add(new Problem(path, 0, "file is " + t.fileSize() + " bytes, the manifest recorded "
            + f.fileBytes()));
      }
      TableProperties props = t.properties();
      TableReader.BlockCheck check = t.verifyEachBlock(e -> problems.add(Problem.of(e)));
      long entries = check.entries();
      long tombstones = check.tombstones();
      byte[] first = check.smallest();
      byte[] last = check.largest();
      if (problems.size() > before) {
        report(name, level, before);
        return -1;
      }
      if (check.dataBlocks() != props.dataBlocks()) {
        problems.add(new Problem(path, 0, "its index leads to " + check.dataBlocks() + " data blocks, its properties"
            + " say " + props.dataBlocks()));
      }
      if (entries != props.entries() || tombstones != props.tombstones()) {
        problems.add(new Problem(path, 0, "holds " + entries + " entries (" + tombstones + " tombstones), its "
            + "properties say " + props.entries() + " (" + props.tombstones() + ")"));
      }
      if (entries != f.entries() || tombstones != f.tombstones()) {
        problems.add(new Problem(path, 0, "holds " + entries + " entries (" + tombstones + " tombstones), the "
            + "manifest recorded " + f.entries() + " (" + f.tombstones() + ")"));
      }
      if (first != null && (!Arrays.equals(first, f.smallest()) || !Arrays.equals(last, f.largest()))) {
        problems.add(new Problem(path, 0, "key range " + InternalKey.describe(first) + " .. "
            + InternalKey.describe(last) + " differs from the manifest's " + InternalKey.describe(f.smallest())
            + " .. " + InternalKey.describe(f.largest())));
      }
      if (problems.size() == before) {
        out.println(name + " (L" + level + ", " + Formats.count(props.dataBlocks(), "data block") + ", "
            + Formats.bytes(entries) + " entries): ok");
        return entries;
      }
    } catch (CorruptionException e) {
      problems.add(Problem.of(e));
    } catch (UncheckedIOException e) {
      problems.add(new Problem(path, 0, "unreadable: " + e.getMessage()));
    } catch (IOException | StoreException e) {
      problems.add(new Problem(path, 0, "unreadable: " + e.getMessage()));
    }
    report(name, level, before);
    return -1;
  }

  private void report(String name, int level, int from) {
    for (Problem p : problems.subList(from, problems.size())) {
      out.println(name + " (L" + level + "): " + p);
    }
  }

  private void log(Path path) {
    String name = path.getFileName().toString();
    long records = 0;
    try (LogReader reader = new LogReader(files.fileSystem(), path)) {
      byte[] rec;
      while ((rec = reader.next()) != null) {
        try {
          WriteBatch.forEachOp(rec, (seq, type, key, stored) -> { });
        } catch (IllegalArgumentException bad) {
          Problem p = new Problem(path, reader.lastRecordEnd() - rec.length, "bad write batch: " + bad.getMessage());
          problems.add(p);
          out.println(name + ": " + p);
          return;
        }
        records++;
      }
      if (reader.tornTail()) {
        String w = name + ": torn tail after offset " + reader.lastRecordEnd() + " (a write cut by a crash; the store"
            + " cuts it at open)";
        warnings.add(w);
        out.println(name + " (" + Formats.count(records, "record") + "): warning: torn tail after offset "
            + reader.lastRecordEnd());
        return;
      }
      out.println(name + " (" + Formats.count(records, "record") + "): ok");
    } catch (CorruptionException e) {
      Problem p = Problem.of(e);
      problems.add(p);
      out.println(name + " (" + Formats.count(records, "record") + " before the damage): " + p);
    } catch (IOException e) {
      Problem p = new Problem(path, 0, "unreadable: " + e.getMessage());
      problems.add(p);
      out.println(name + ": " + p);
    }
  }
}
