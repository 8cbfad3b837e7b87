package io.cairn.engine.version;

import io.cairn.engine.CorruptionException;
import io.cairn.engine.StoreException;
import io.cairn.engine.fs.FileSystem;
import io.cairn.engine.wal.LogReader;
import io.cairn.engine.wal.LogWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The current version, the counters that must survive a restart (next file number, last sequence, live log number),
 * and the manifest that records every change.
 *
 * <p>The manifest is a log ({@link LogWriter} framing) of {@link VersionEdit} records; its first record holds a full
 * snapshot. {@code CURRENT} holds the name of the live manifest plus a newline and is replaced atomically: write a
 * temp file, force it, rename it over {@code CURRENT}, force the directory. On open, a truncated last record of the
 * manifest (an edit whose write was cut by a crash) is dropped: its tables were never installed. Any other damage,
 * including a checksum failure in the last record, is a {@link CorruptionException}.
 *
 * <p>Thread-safety: every method but {@link #liveFileNumbers()} and the version release callback is called with the
 * store's mutex held; the set of live versions is concurrent because versions are released from reader threads.
 */
public final class VersionSet {
  private static final long MANIFEST_ROTATE_BYTES = 4L << 20;

  private final FileSystem fs;
  private final Path dir;
  private final int levelCount;
  private final String policy;
  private final Set<Version> live = ConcurrentHashMap.newKeySet();
  private final Runnable onVersionReleased;

  private Version current;
  private long nextFileNumber = 2;
  private long lastSequence;
  private long logNumber;
  private long manifestNumber;
  private LogWriter manifest;

  public VersionSet(FileSystem fs, Path dir, int levelCount, String policy, Runnable onVersionReleased) {
    this.fs = fs;
    this.dir = dir;
    this.levelCount = levelCount;
    this.policy = policy;
    this.onVersionReleased = onVersionReleased;
    this.current = newVersion(emptyLevels());
  }

  private List<List<FileMeta>> emptyLevels() {
    List<List<FileMeta>> levels = new ArrayList<>();
    for (int i = 0; i < levelCount; i++) {
      levels.add(new ArrayList<>());
    }
    return levels;
  }

  private Version newVersion(List<List<FileMeta>> files) {
    Version v = new Version(files, this::released);
    live.add(v);
    return v;
  }

  private void released(Version v) {
    live.remove(v);
    onVersionReleased.run();
  }

  /** Reads CURRENT and replays the manifest it names. */
  public void recover() throws IOException {
    Path currentFile = dir.resolve(FileNames.CURRENT);
    String name = new String(fs.readAll(currentFile), StandardCharsets.UTF_8);
    if (!name.endsWith("\n") || name.indexOf('\n') != name.length() - 1
        || FileNames.parse(name.trim()).kind() != FileNames.Kind.MANIFEST) {
      throw new CorruptionException(currentFile, 0, "CURRENT does not name a manifest: \"" + name.strip() + "\"");
    }
    Path manifestPath = dir.resolve(name.trim());
    if (!fs.exists(manifestPath)) {
      throw new CorruptionException(currentFile, 0, "CURRENT names " + manifestPath.getFileName()
          + ", which does not exist");
    }
    List<List<FileMeta>> files = emptyLevels();
    boolean sawFormat = false;
    boolean sawNextFile = false;
    try (LogReader reader = new LogReader(fs, manifestPath, true)) {
      byte[] rec;
      while ((rec = reader.next()) != null) {
        VersionEdit e;
        try {
          e = VersionEdit.decode(rec);
        } catch (IllegalArgumentException bad) {
          throw new CorruptionException(manifestPath, reader.lastRecordEnd() - rec.length, bad.getMessage());
        }
        if (e.formatVersion >= 0) {
          if (e.formatVersion != VersionEdit.FORMAT_VERSION) {
            throw new CorruptionException(manifestPath, 0, "unsupported manifest format " + e.formatVersion);
          }
          sawFormat = true;
        }
        if (e.policy != null && !e.policy.equals(policy)) {
          throw new StoreException("store " + dir + " was created with compaction policy " + e.policy
              + "; open it with that policy (asked for " + policy + ")");
        }
        apply(files, e, manifestPath, reader.lastRecordEnd());
        if (e.logNumber >= 0) {
          logNumber = e.logNumber;
        }
        if (e.nextFileNumber >= 0) {
          nextFileNumber = e.nextFileNumber;
          sawNextFile = true;
        }
        if (e.lastSequence >= 0) {
          lastSequence = Math.max(lastSequence, e.lastSequence);
        }
      }
    }
    if (!sawFormat || !sawNextFile) {
      throw new CorruptionException(manifestPath, 0, "manifest lacks its header record");
    }
    for (List<FileMeta> level : files) {
      for (FileMeta f : level) {
        Path t = FileNames.table(dir, f.fileNumber());
        if (!fs.exists(t)) {
          throw new CorruptionException(manifestPath, 0, "manifest lists table " + t.getFileName()
              + ", which is missing");
        }
        nextFileNumber = Math.max(nextFileNumber, f.fileNumber() + 1);
      }
    }
    install(newVersion(files));
    manifestNumber = FileNames.parse(manifestPath.getFileName().toString()).number();
    nextFileNumber = Math.max(nextFileNumber, manifestNumber + 1);
  }

  private void apply(List<List<FileMeta>> files, VersionEdit e, Path manifestPath, long at) {
    for (VersionEdit.Deleted d : e.deleted) {
      if (d.level() >= levelCount || !files.get(d.level()).removeIf(f -> f.fileNumber() == d.fileNumber())) {
        throw new CorruptionException(manifestPath, at, "edit deletes table " + d.fileNumber() + " from level "
            + d.level() + ", which does not hold it");
      }
    }
    for (VersionEdit.Added a : e.added) {
      if (a.level() >= levelCount) {
        throw new StoreException("manifest " + manifestPath + " has level " + a.level() + " but the store is opened "
            + "with " + levelCount + " levels; open it with maxLevels >= " + (a.level() + 1));
      }
      files.get(a.level()).add(a.file());
    }
  }

  /**
   * Starts a new manifest holding a snapshot of the current state, then points CURRENT at it. Used at open and when
   * the manifest has grown past its rotation size.
   */
  public void writeSnapshotManifest() throws IOException {
    long number = nextFileNumber++;
    Path path = FileNames.manifest(dir, number);
    LogWriter w = new LogWriter(fs.create(path));
    try {
      VersionEdit snap = new VersionEdit();
      snap.formatVersion = VersionEdit.FORMAT_VERSION;
      snap.policy = policy;
      snap.logNumber = logNumber;
      snap.nextFileNumber = nextFileNumber;
      snap.lastSequence = lastSequence;
      for (int level = 0; level < levelCount; level++) {
        for (FileMeta f : current.files(level)) {
          snap.addFile(level, f);
        }
      }
      w.addRecord(snap.encode());
      w.sync();
      setCurrent(number);
    } catch (IOException | RuntimeException e) {
      w.close();
      throw e;
    }
    LogWriter old = manifest;
    long oldNumber = manifestNumber;
    manifest = w;
    manifestNumber = number;
    if (old != null) {
      old.close();
    }
    if (oldNumber > 0) {
      fs.delete(FileNames.manifest(dir, oldNumber));
    }
  }

  private void setCurrent(long manifest) throws IOException {
    Path tmp = FileNames.temp(dir, manifest);
    try (FileSystem.WritableFile f = fs.create(tmp)) {
      byte[] body = (FileNames.manifest(dir, manifest).getFileName() + "\n").getBytes(StandardCharsets.UTF_8);
      f.append(body, 0, body.length);
      f.sync();
    }
    fs.rename(tmp, dir.resolve(FileNames.CURRENT));
    fs.syncDirectory(dir);
  }

  /** Writes {@code e} to the manifest (forced to disk) and makes the resulting version current. */
  public void logAndApply(VersionEdit e) throws IOException {
    List<List<FileMeta>> files = emptyLevels();
    for (int level = 0; level < levelCount; level++) {
      files.get(level).addAll(current.files(level));
    }
    apply(files, e, FileNames.manifest(dir, manifestNumber), manifest.size());
    if (e.logNumber < 0) {
      e.logNumber = logNumber;
    }
    e.nextFileNumber = nextFileNumber;
    e.lastSequence = Math.max(e.lastSequence, lastSequence);
    manifest.addRecord(e.encode());
    manifest.sync();
    logNumber = e.logNumber;
    lastSequence = e.lastSequence;
    install(newVersion(files));
    if (manifest.size() > MANIFEST_ROTATE_BYTES) {
      writeSnapshotManifest();
    }
  }

  private void install(Version v) {
    Version old = current;
    current = v;
    old.unref();
  }

  public Version current() {
    return current;
  }

  public long newFileNumber() {
    return nextFileNumber++;
  }

  public long lastSequence() {
    return lastSequence;
  }

  public void setLastSequence(long s) {
    lastSequence = s;
  }

  public long logNumber() {
    return logNumber;
  }

  public void markFileNumberUsed(long n) {
    nextFileNumber = Math.max(nextFileNumber, n + 1);
  }

  public long manifestNumber() {
    return manifestNumber;
  }

  /** Table numbers referenced by any live version (current or pinned by a reader). */
  public Set<Long> liveFileNumbers() {
    Set<Long> out = new HashSet<>();
    for (Version v : live) {
      for (FileMeta f : v.allFiles()) {
        out.add(f.fileNumber());
      }
    }
    return out;
  }

  public void close() throws IOException {
    if (manifest != null) {
      manifest.close();
      manifest = null;
    }
  }
}
