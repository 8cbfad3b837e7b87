package io.cairn.engine;

import io.cairn.engine.fs.FileSystem;
import io.cairn.engine.memtable.MemTable;
import io.cairn.engine.version.FileNames;
import io.cairn.engine.version.VersionEdit;
import io.cairn.engine.version.VersionSet;
import io.cairn.engine.wal.LogReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a store back at open (LevelDB's {@code DBImpl::Recover}): replays the manifest CURRENT names, starts a
 * fresh manifest holding its snapshot, then replays every write-ahead log the manifest does not cover, in order, into
 * level-0 tables (a memtable's worth each). A torn log tail is cut (see {@link LogReader}); a record that is not a
 * well-formed batch is corruption naming the log and the offset. The tables are recorded in the returned edit, which
 * the store installs with the new log's number.
 */
final class Recovery {
  /** Writes one memtable to a level-0 table; null if it holds nothing. */
  interface Level0Writer {
    TableWriter.Output write(MemTable m) throws IOException;
  }

  /**
   * What recovery found.
   *
   * @param edit the level-0 tables the logs were replayed into
   * @param lastSequence the newest sequence number in the manifest or the logs
   */
  record Result(VersionEdit edit, long lastSequence) {}

  private Recovery() {}

  /** With the store's mutex held (the version set asserts it). */
  static Result run(FileSystem fs, Path dir, Options options, VersionSet versions, Level0Writer tables)
      throws IOException {
    boolean exists = fs.exists(dir.resolve(FileNames.CURRENT));
    if (exists) {
      versions.recover();
    } else if (!options.createIfMissing()) {
      throw new IllegalArgumentException("no store in " + dir + " (no CURRENT file) and createIfMissing is off");
    }
    versions.writeSnapshotManifest();

    List<Long> logs = new ArrayList<>();
    for (String name : fs.list(dir)) {
      FileNames.Parsed p = FileNames.parse(name);
      if (p.kind() == FileNames.Kind.LOG && p.number() >= versions.logNumber()) {
        logs.add(p.number());
      }
      if (p.kind() != FileNames.Kind.OTHER) {
        versions.markFileNumberUsed(p.number());
      }
    }
    logs.sort(null);
    VersionEdit edit = new VersionEdit();
    long lastSeq = versions.lastSequence();
    MemTable replay = new MemTable(0);
    for (long number : logs) {
      Path path = FileNames.log(dir, number);
      try (LogReader reader = new LogReader(fs, path)) {
        byte[] rec;
        while ((rec = reader.next()) != null) {
          try {
            lastSeq = Math.max(lastSeq, WriteBatch.applyTo(rec, replay));
          } catch (IllegalArgumentException bad) {
            throw new CorruptionException(path, reader.lastRecordEnd() - rec.length, "bad write batch: "
                + bad.getMessage());
          }
          if (replay.approximateBytes() >= options.memtableBytes()) {
            addLevel0Table(edit, tables.write(replay));
            replay = new MemTable(0);
          }
        }
      }
    }
    if (!replay.isEmpty()) {
      addLevel0Table(edit, tables.write(replay));
    }
    return new Result(edit, lastSeq);
  }

  /** Records a flushed memtable's table, a run of its own, in {@code edit}. */
  static void addLevel0Table(VersionEdit edit, TableWriter.Output out) {
    if (out != null) {
      edit.addFile(0, out.meta(out.number()));
    }
  }
}
