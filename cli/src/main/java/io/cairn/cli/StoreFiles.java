package io.cairn.cli;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.CorruptionException;
import io.cairn.engine.StoreException;
import io.cairn.engine.cache.BlockCache;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.fs.FileSystem;
import io.cairn.engine.fs.LocalFileSystem;
import io.cairn.engine.sstable.Block;
import io.cairn.engine.sstable.FileHandles;
import io.cairn.engine.sstable.ReadCounters;
import io.cairn.engine.sstable.TableReader;
import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.FileNames;
import io.cairn.engine.version.Run;
import io.cairn.engine.version.VersionEdit;
import io.cairn.engine.wal.LogReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A store directory read without opening the store: its lock is taken (so no store opens it meanwhile, and none holds
 * it now), CURRENT and the manifest it names are replayed as the engine's recovery replays them (same checks, but
 * nothing is written), and tables are opened for reading on demand. Opening a {@code Store} instead would write a new
 * manifest and turn the logs into tables; a tool that looks must not change what it looks at.
 *
 * <p>Not thread-safe: one command uses it on one thread.
 */
final class StoreFiles implements AutoCloseable {
  /** The manifest formats the engine reads ({@link VersionEdit#FORMAT_VERSION} and the one before it). */
  private static final long OLDEST_MANIFEST_FORMAT = 1;

  private final Path dir;
  private final FileSystem fs = LocalFileSystem.INSTANCE;
  private final Closeable lock;
  private final BlockCache<Object> cache;
  private final FileHandles handles = new FileHandles(64);
  private final ReadCounters counters = new ReadCounters();
  private final Map<Long, TableReader> tables = new HashMap<>();

  /**
   * The live manifest as replayed.
   *
   * @param file the manifest CURRENT names
   * @param records version edits in it
   * @param levels per level, its tables (levels past the last one holding a table are absent)
   */
  record Manifest(Path file, int records, long formatVersion, CompactionStyle style, long logNumber,
      long nextFileNumber, long lastSequence, List<List<FileMeta>> levels) {

    /** The sorted runs of {@code level}, newest first, each run's tables in key order (as the engine groups them). */
    List<Run> runs(int level) {
      TreeMap<Long, List<FileMeta>> byRun = new TreeMap<>(Comparator.reverseOrder());
      for (FileMeta f : levels.get(level)) {
        byRun.computeIfAbsent(f.runId(), k -> new ArrayList<>()).add(f);
      }
      List<Run> runs = new ArrayList<>();
      byRun.forEach((id, files) -> {
        files.sort((a, b) -> InternalKey.compare(a.smallest(), b.smallest()));
        runs.add(new Run(id, Collections.unmodifiableList(files)));
      });
      return runs;
    }

    List<FileMeta> allFiles() {
      List<FileMeta> out = new ArrayList<>();
      levels.forEach(out::addAll);
      return out;
    }
  }

  private StoreFiles(Path dir, Closeable lock, long blockCacheBytes) {
    this.dir = dir;
    this.lock = lock;
    this.cache = new BlockCache<>(blockCacheBytes, 4, b -> ((Block) b).charge());
  }

  /**
   * Takes the lock of the store directory {@code dir}.
   *
   * @param blockCacheBytes what read blocks may keep on the heap (0: every read goes to the file, as verify wants)
   * @throws CliException if {@code dir} is no store directory, or an open store (or another tool) holds it
   */
  static StoreFiles lock(Path dir, long blockCacheBytes) {
    FileSystem fs = LocalFileSystem.INSTANCE;
    if (!fs.exists(dir)) {
      throw new CliException("no such directory: " + dir);
    }
    if (!fs.isDirectory(dir)) {
      throw new CliException(dir + " is a file, not a store directory");
    }
    if (!fs.exists(dir.resolve(FileNames.CURRENT))) {
      throw new CliException(dir + " is not a Cairn store directory (it has no CURRENT file)");
    }
    try {
      return new StoreFiles(dir, fs.lock(dir.resolve(FileNames.LOCK)), blockCacheBytes);
    } catch (IOException e) {
      throw new CliException(e.getMessage(), e);
    }
  }

  Path directory() {
    return dir;
  }

  FileSystem fileSystem() {
    return fs;
  }

  /** The manifest, or a {@link CliException} naming the first problem (verify lists them all). */
  Manifest manifest() {
    List<Problem> problems = new ArrayList<>();
    Manifest m = readManifest(problems);
    if (!problems.isEmpty()) {
      throw new CliException("cannot read the manifest: " + problems.get(0) + " (run cairn verify " + dir
          + " for every problem)");
    }
    return m;
  }

  /**
   * Replays CURRENT and the manifest it names, adding each problem found to {@code problems}. Returns null when the
   * manifest cannot be replayed; a manifest whose tables are missing is returned, with each missing one a problem.
   */
  Manifest readManifest(List<Problem> problems) {
    Path current = dir.resolve(FileNames.CURRENT);
    String name;
    try {
      name = new String(fs.readAll(current), StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add(new Problem(current, 0, "unreadable: " + e.getMessage()));
      return null;
    }
    if (!name.endsWith("\n") || name.indexOf('\n') != name.length() - 1
        || FileNames.parse(name.trim()).kind() != FileNames.Kind.MANIFEST) {
      problems.add(new Problem(current, 0, "does not name a manifest: \"" + name.strip() + "\""));
      return null;
    }
    Path path = dir.resolve(name.trim());
    if (!fs.exists(path)) {
      problems.add(new Problem(current, 0, "names " + path.getFileName() + ", which does not exist"));
      return null;
    }
    List<List<FileMeta>> levels = new ArrayList<>();
    long format = -1;
    CompactionStyle style = null;
    long logNumber = 0;
    long nextFile = -1;
    long lastSequence = 0;
    int records = 0;
    try (LogReader reader = new LogReader(fs, path, true)) {
      byte[] rec;
      while ((rec = reader.next()) != null) {
        long at = reader.lastRecordEnd() - rec.length;
        VersionEdit e;
        try {
          e = VersionEdit.decode(rec);
        } catch (IllegalArgumentException bad) {
          problems.add(new Problem(path, at, "bad version edit: " + bad.getMessage()));
          return null;
        }
        records++;
        if (e.formatVersion() >= 0) {
          if (e.formatVersion() < OLDEST_MANIFEST_FORMAT || e.formatVersion() > VersionEdit.FORMAT_VERSION) {
            problems.add(new Problem(path, at, "unsupported manifest format " + e.formatVersion()
                + " (this tool reads formats " + OLDEST_MANIFEST_FORMAT + " to " + VersionEdit.FORMAT_VERSION + ")"));
            return null;
          }
          format = e.formatVersion();
        }
        if (e.style() != null) {
          style = e.style();
        }
        for (VersionEdit.Deleted d : e.deleted()) {
          if (d.level() >= levels.size() || !levels.get(d.level()).removeIf(f -> f.fileNumber() == d.fileNumber())) {
            problems.add(new Problem(path, at, "edit deletes table " + d.fileNumber() + " from level " + d.level()
                + ", which does not hold it"));
            return null;
          }
        }
        for (VersionEdit.Added a : e.added()) {
          while (levels.size() <= a.level()) {
            levels.add(new ArrayList<>());
          }
          levels.get(a.level()).add(a.file());
        }
        if (e.logNumber() >= 0) {
          logNumber = e.logNumber();
        }
        if (e.nextFileNumber() >= 0) {
          nextFile = e.nextFileNumber();
        }
        lastSequence = Math.max(lastSequence, e.lastSequence());
      }
    } catch (CorruptionException e) {
      problems.add(Problem.of(e));
      return null;
    } catch (IOException | StoreException e) {
      problems.add(new Problem(path, 0, "unreadable: " + e.getMessage()));
      return null;
    }
    if (format < 0 || nextFile < 0) {
      problems.add(new Problem(path, 0, "manifest lacks its header record"));
      return null;
    }
    while (!levels.isEmpty() && levels.get(levels.size() - 1).isEmpty()) {
      levels.remove(levels.size() - 1);
    }
    Manifest m = new Manifest(path, records, format, style, logNumber, nextFile, lastSequence, levels);
    for (FileMeta f : m.allFiles()) {
      Path t = FileNames.table(dir, f.fileNumber());
      if (!fs.exists(t)) {
        problems.add(new Problem(path, 0, "manifest lists table " + t.getFileName() + ", which is missing"));
      }
    }
    return m;
  }

  /** The write-ahead logs at or after {@code logNumber} (those recovery replays), oldest first. */
  List<Path> logs(long logNumber) {
    List<Long> numbers = new ArrayList<>();
    for (String name : list()) {
      FileNames.Parsed p = FileNames.parse(name);
      if (p.kind() == FileNames.Kind.LOG && p.number() >= logNumber) {
        numbers.add(p.number());
      }
    }
    numbers.sort(null);
    List<Path> out = new ArrayList<>();
    for (long n : numbers) {
      out.add(FileNames.log(dir, n));
    }
    return out;
  }

  /** File names in the directory. */
  List<String> list() {
    try {
      List<String> names = new ArrayList<>(fs.list(dir));
      names.sort(null);
      return names;
    } catch (IOException e) {
      throw new CliException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * The table {@code fileNumber}, opened once (footer and properties checked).
   *
   * @throws CorruptionException naming the file and offset if the footer or properties are damaged
   * @throws IOException if it cannot be read
   */
  TableReader table(long fileNumber) throws IOException {
    TableReader t = tables.get(fileNumber);
    if (t == null) {
      t = TableReader.open(fs, FileNames.table(dir, fileNumber), fileNumber, fileNumber, cache, handles, counters,
          false);
      tables.put(fileNumber, t);
    }
    return t;
  }

  /** Releases the tables and the lock. */
  @Override
  public void close() {
    for (TableReader t : tables.values()) {
      try {
        t.close();
      } catch (StoreException ignored) {
        // Read-only handles: nothing is lost by a failed close.
      }
    }
    tables.clear();
    try {
      lock.close();
    } catch (IOException ignored) {
      // The lock goes with the channel.
    }
  }
}
