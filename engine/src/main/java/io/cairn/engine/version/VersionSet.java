package io.cairn.engine.version;

import io.cairn.engine.CompactionStyle;
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
import java.util.concurrent.locks.ReentrantLock;

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
 * <p>After a failed write or force of the manifest, the edit may or may not be on disk, and the file's tail cannot be
 * trusted (a force that failed may have dropped bytes that a later force will not bring back). The manifest is then
 * <em>broken</em>: {@link #logAndApply} refuses until {@link #writeSnapshotManifest} has written a new manifest of the
 * current version and made CURRENT name it durably. While broken, every manifest file is kept: CURRENT may durably
 * name any of the last ones. A failed rotation (a snapshot written because the manifest grew) leaves the old
 * manifest in use, unless CURRENT was already renamed to the new one, which breaks the manifest as above.
 *
 * <p>On a file system that can reopen a file to append ({@link FileSystem#supportsAppend}), the manifest is closed
 * after each edit and reopened for the next, so an idle store holds no handle on it.
 *
 * <p>Thread-safety: every method but {@link #liveFileNumbers()} and the version release callback is called with the
 * store's mutex held (and asserts it); the set of live versions is concurrent because versions are released from
 * reader threads.
 */
public final class VersionSet {
  private static final long MANIFEST_ROTATE_BYTES = 4L << 20;

  private final FileSystem fs;
  private final Path dir;
  private final int levelCount;
  private final CompactionStyle style;
  private final ReentrantLock mutex;
  private final Set<Version> live = ConcurrentHashMap.newKeySet();
  private final Runnable onVersionReleased;

  private Version current;
  private long nextFileNumber = 2;
  private long lastSequence;
  private long logNumber;
  private long manifestNumber;
  /** The manifest's writer while it is open (between edits it is closed if the file system can reopen it). */
  private LogWriter manifest;
  /** The manifest's length, kept while its writer is closed. */
  private long manifestBytes;
  private boolean broken;

  /** @param mutex the store's mutex, which every method but {@link #liveFileNumbers()} is called with */
  public VersionSet(FileSystem fs, Path dir, int levelCount, CompactionStyle style, ReentrantLock mutex,
      Runnable onVersionReleased) {
    this.fs = fs;
    this.dir = dir;
    this.levelCount = levelCount;
    this.style = style;
    this.mutex = mutex;
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
    assert mutex.isHeldByCurrentThread();
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
          if (e.formatVersion != VersionEdit.FORMAT_VERSION
              && e.formatVersion != VersionEdit.FORMAT_VERSION_STYLE_BY_NAME) {
            throw new CorruptionException(manifestPath, 0, "unsupported manifest format " + e.formatVersion);
          }
          sawFormat = true;
        }
        if (e.style != null && e.style != style) {
          throw new StoreException("store " + dir + " was created with compaction style " + e.style
              + "; open it with that style (asked for " + style + ")");
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
   * Starts a new manifest holding a snapshot of the current state, then points CURRENT at it. Used at open, when the
   * manifest has grown past its rotation size, and to repair a broken manifest. If it fails before CURRENT is
   * renamed, its files are deleted and the manifest in use stays as it was; if it fails after (forcing the directory),
   * the manifest is broken.
   */
  public void writeSnapshotManifest() throws IOException {
    assert mutex.isHeldByCurrentThread();
    long number = nextFileNumber++;
    Path path = FileNames.manifest(dir, number);
    Path tmp = FileNames.temp(dir, number);
    LogWriter w = null;
    boolean renamed = false;
    try {
      w = new LogWriter(fs.create(path));
      VersionEdit snap = new VersionEdit();
      snap.formatVersion = VersionEdit.FORMAT_VERSION;
      snap.style = style;
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
      try (FileSystem.WritableFile f = fs.create(tmp)) {
        byte[] body = (path.getFileName() + "\n").getBytes(StandardCharsets.UTF_8);
        f.append(body, 0, body.length);
        f.sync();
      }
      fs.rename(tmp, dir.resolve(FileNames.CURRENT));
      renamed = true;
      fs.syncDirectory(dir);
    } catch (IOException | RuntimeException e) {
      closeQuietly(w);
      if (renamed) {
        // CURRENT names the new manifest, perhaps not durably; the old one holds the same state. Keep both and write
        // another before the next edit.
        closeQuietly(manifest);
        manifest = null;
        manifestNumber = number;
        broken = true;
      } else {
        deleteQuietly(path);
        deleteQuietly(tmp);
      }
      throw e;
    }
    LogWriter old = manifest;
    long oldNumber = manifestNumber;
    boolean wasBroken = broken;
    manifest = w;
    manifestNumber = number;
    manifestBytes = w.size();
    broken = false;
    closeQuietly(old);
    closeBetweenEdits();
    if (oldNumber > 0 && !wasBroken) {
      deleteQuietly(FileNames.manifest(dir, oldNumber));
    }
  }

  /** Closes the manifest's writer after an edit if the file system can reopen it for the next one. */
  private void closeBetweenEdits() {
    if (fs.supportsAppend()) {
      closeQuietly(manifest);
      manifest = null;
    }
  }

  private static void closeQuietly(LogWriter w) {
    if (w != null) {
      try {
        w.close();
      } catch (IOException ignored) {
        // Everything that matters in it was forced, or it is being given up.
      }
    }
  }

  private void deleteQuietly(Path p) {
    try {
      fs.delete(p);
    } catch (IOException ignored) {
      // The store's obsolete-file sweep deletes it later.
    }
  }

  /** Whether a failed manifest write left the manifest unusable until {@link #writeSnapshotManifest} succeeds. */
  public boolean broken() {
    assert mutex.isHeldByCurrentThread();
    return broken;
  }

  /**
   * Writes {@code e} to the manifest (forced to disk) and makes the resulting version current. If the write or the
   * force fails, the version stays as it was and the manifest is broken ({@link #broken}).
   *
   * @throws IllegalStateException if the manifest is broken
   */
  public void logAndApply(VersionEdit e) throws IOException {
    assert mutex.isHeldByCurrentThread();
    if (broken) {
      throw new IllegalStateException("the manifest of " + dir + " must be rewritten after a failed write before"
          + " it takes another edit");
    }
    List<List<FileMeta>> files = emptyLevels();
    for (int level = 0; level < levelCount; level++) {
      files.get(level).addAll(current.files(level));
    }
    apply(files, e, FileNames.manifest(dir, manifestNumber), manifestBytes);
    if (e.logNumber < 0) {
      e.logNumber = logNumber;
    }
    e.nextFileNumber = nextFileNumber;
    e.lastSequence = Math.max(e.lastSequence, lastSequence);
    try {
      if (manifest == null) {
        manifest = new LogWriter(fs.append(FileNames.manifest(dir, manifestNumber)));
      }
      manifest.addRecord(e.encode());
      manifest.sync();
    } catch (IOException | RuntimeException x) {
      closeQuietly(manifest);
      manifest = null;
      broken = true;
      throw x;
    }
    manifestBytes = manifest.size();
    closeBetweenEdits();
    logNumber = e.logNumber;
    lastSequence = e.lastSequence;
    install(newVersion(files));
    if (manifestBytes > MANIFEST_ROTATE_BYTES) {
      try {
        writeSnapshotManifest();
      } catch (IOException x) {
        // The edit is durable in the manifest in use; rotation is tried again after the next edit.
      }
    }
  }

  private void install(Version v) {
    Version old = current;
    current = v;
    old.unref();
  }

  public Version current() {
    assert mutex.isHeldByCurrentThread();
    return current;
  }

  /** The number {@link #newFileNumber} gives next, without giving it. */
  public long nextFileNumber() {
    assert mutex.isHeldByCurrentThread();
    return nextFileNumber;
  }

  public long newFileNumber() {
    assert mutex.isHeldByCurrentThread();
    return nextFileNumber++;
  }

  public long lastSequence() {
    assert mutex.isHeldByCurrentThread();
    return lastSequence;
  }

  public void setLastSequence(long s) {
    assert mutex.isHeldByCurrentThread();
    lastSequence = s;
  }

  public long logNumber() {
    assert mutex.isHeldByCurrentThread();
    return logNumber;
  }

  public void markFileNumberUsed(long n) {
    assert mutex.isHeldByCurrentThread();
    nextFileNumber = Math.max(nextFileNumber, n + 1);
  }

  public long manifestNumber() {
    assert mutex.isHeldByCurrentThread();
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
    assert mutex.isHeldByCurrentThread();
    if (manifest != null) {
      LogWriter m = manifest;
      manifest = null;
      m.close();
    }
  }
}
