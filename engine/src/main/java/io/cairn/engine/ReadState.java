package io.cairn.engine;

import io.cairn.engine.bloom.BloomFilter;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.memtable.MemTable;
import io.cairn.engine.sstable.Lookup;
import io.cairn.engine.sstable.TableReader;
import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.Run;
import io.cairn.engine.version.Version;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a read needs, pinned as one (Pebble's {@code readState}): the memtable taking writes, the memtables waiting
 * for flush (newest first) and the version of the tables. The store replaces its current state as a whole when any
 * of them changes; a reader pins it ({@link #tryPin}, a reference on the version, so its tables stay open and on
 * disk), asks it questions, and releases it. Memtables need no reference: a flushed one is only dropped from the
 * next state, and lives as long as a pinned state holds it.
 *
 * <p>Immutable apart from the version's atomic reference count; thread-safe.
 */
final class ReadState {
  private final MemTable mem;
  private final List<MemTable> imms;
  private final Version version;

  ReadState(MemTable mem, List<MemTable> imms, Version version) {
    this.mem = mem;
    this.imms = List.copyOf(imms);
    this.version = version;
  }

  MemTable mem() {
    return mem;
  }

  /** The memtables waiting for flush, newest first. */
  List<MemTable> imms() {
    return imms;
  }

  Version version() {
    return version;
  }

  /** Pins this state; false if its version was already released (the reader takes the current state again). */
  boolean tryPin() {
    return version.tryRef();
  }

  void release() {
    version.unref();
  }

  /**
   * The newest entry of {@code key} visible at {@code snapshot}: memtables first, then tables newest first, asking
   * each table's filter first. Marks the key read in the table that answered (its access bits, when tracked).
   */
  Lookup get(byte[] key, long snapshot, TableCache tables) {
    Map.Entry<byte[], byte[]> m = mem.get(key, snapshot);
    for (int i = 0; m == null && i < imms.size(); i++) {
      m = imms.get(i).get(key, snapshot);
    }
    if (m != null) {
      return new Lookup(InternalKey.type(m.getKey()), m.getValue().clone(), InternalKey.sequence(m.getKey()));
    }
    byte[] seek = InternalKey.seekKey(key, snapshot);
    long hash = BloomFilter.hash(key, 0, key.length);
    for (int level = 0; level < version.levelCount(); level++) {
      List<Run> runs = version.runs(level);
      for (int r = 0; r < runs.size(); r++) {
        FileMeta f = runs.get(r).find(key);
        if (f != null) {
          TableReader t = tables.get(f);
          Lookup l = t.get(key, seek, hash);
          if (l != null) {
            if (l.type() != InternalKey.TYPE_DELETION) {
              t.accessBits().markRead(hash);
            }
            return l;
          }
        }
      }
    }
    return null;
  }

  /**
   * Whether a memtable or one of the {@code newerRuns} newest level-0 runs holds a version of {@code userKey}
   * visible at {@code snapshot} (a tombstone or an expired value counts: it shadows older ones). For a FIFO drop,
   * whose entries a newer version shadows.
   */
  boolean shadows(byte[] userKey, long hash, long snapshot, int newerRuns, TableCache tables) {
    if (mem.get(userKey, snapshot) != null) {
      return true;
    }
    for (MemTable m : imms) {
      if (m.get(userKey, snapshot) != null) {
        return true;
      }
    }
    List<Run> runs = version.runs(0);
    byte[] seek = InternalKey.seekKey(userKey, snapshot);
    for (int i = 0; i < newerRuns; i++) {
      FileMeta f = runs.get(i).find(userKey);
      if (f != null && tables.get(f).get(userKey, seek, hash) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code userKey} has a version newer than {@code since}: in a memtable, or in a level-0 run that is not
   * one of {@code runsAtSnapshot} (those hold nothing newer). For a FIFO drop's kept write, which a newer write beats.
   */
  boolean writtenSince(byte[] userKey, long since, Set<Long> runsAtSnapshot, TableCache tables) {
    Map.Entry<byte[], byte[]> m = mem.get(userKey, InternalKey.MAX_SEQUENCE);
    if (m != null && InternalKey.sequence(m.getKey()) > since) {
      return true;
    }
    for (MemTable imm : imms) {
      m = imm.get(userKey, InternalKey.MAX_SEQUENCE);
      if (m != null && InternalKey.sequence(m.getKey()) > since) {
        return true;
      }
    }
    byte[] seek = InternalKey.seekKey(userKey, InternalKey.MAX_SEQUENCE);
    long hash = BloomFilter.hash(userKey, 0, userKey.length);
    for (Run r : version.runs(0)) {
      if (runsAtSnapshot.contains(r.runId())) {
        // Runs are newest first and flushes only add new ones: the rest were there at the snapshot.
        break;
      }
      FileMeta f = r.find(userKey);
      Lookup l = f == null ? null : tables.get(f).get(userKey, seek, hash);
      if (l != null && l.sequence() > since) {
        return true;
      }
    }
    return false;
  }
}
