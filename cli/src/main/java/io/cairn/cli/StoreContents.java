package io.cairn.cli;

import io.cairn.engine.CorruptionException;
import io.cairn.engine.Entry;
import io.cairn.engine.WriteBatch;
import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.iterator.InternalIterator;
import io.cairn.engine.iterator.MergingIterator;
import io.cairn.engine.memtable.MemTable;
import io.cairn.engine.version.FileMeta;
import io.cairn.engine.wal.LogReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * What a store holds, read as the store would read it after recovery, without opening it: the live tables merged
 * with the write-ahead logs the manifest does not cover (replayed into a memtable on the heap, as recovery replays
 * them, minus the table it would write). Per user key the newest version wins; a tombstone hides the key; an entry
 * whose expiry has passed is hidden unless asked for. A torn log tail is cut as recovery cuts it, and noted.
 */
final class StoreContents implements AutoCloseable {
  /**
   * One live key.
   *
   * @param expireAtMillis {@link Entry#NO_EXPIRY} when it has none
   * @param sequence the sequence number of the write that put it
   */
  record Item(byte[] key, byte[] value, long expireAtMillis, long sequence) {
    boolean expiredAt(long nowMillis) {
      return expireAtMillis != Entry.NO_EXPIRY && expireAtMillis <= nowMillis;
    }
  }

  private final StoreFiles files;
  private final StoreFiles.Manifest manifest;
  private final MemTable replayed = new MemTable(0);
  private final List<String> notes = new ArrayList<>();
  private long logRecords;

  /** Reads {@code files}' manifest and replays its logs; closes {@code files} if that fails. */
  StoreContents(StoreFiles files) {
    this.files = files;
    try {
      this.manifest = files.manifest();
      replay();
    } catch (RuntimeException e) {
      files.close();
      throw e;
    }
  }

  private void replay() {
    for (Path log : files.logs(manifest.logNumber())) {
      try (LogReader reader = new LogReader(files.fileSystem(), log)) {
        byte[] rec;
        while ((rec = reader.next()) != null) {
          try {
            WriteBatch.forEachOp(rec, replayed::add);
          } catch (IllegalArgumentException bad) {
            throw new CliException("cannot read " + log + ": bad write batch at offset "
                + (reader.lastRecordEnd() - rec.length) + ": " + bad.getMessage());
          }
          logRecords++;
        }
        if (reader.tornTail()) {
          notes.add(log.getFileName() + " has a torn tail after offset " + reader.lastRecordEnd()
              + " (cut, as the store cuts it at open)");
        }
      } catch (CorruptionException e) {
        throw new CliException(e.getMessage() + " (run cairn verify " + files.directory() + ")", e);
      } catch (IOException e) {
        throw new CliException("cannot read " + log + ": " + e.getMessage(), e);
      }
    }
  }

  StoreFiles.Manifest manifest() {
    return manifest;
  }

  /** Write batches replayed from the logs. */
  long logRecords() {
    return logRecords;
  }

  /** What reading noticed that is not an error (torn log tails). */
  List<String> notes() {
    return notes;
  }

  /**
   * Hands the live keys in {@code [from, to)} (either null for unbounded) to {@code sink} in key order until it
   * returns false.
   *
   * @param includeExpired also hand out entries whose expiry is at or before {@code nowMillis}
   */
  void scan(byte[] from, byte[] to, boolean includeExpired, long nowMillis, Predicate<Item> sink) {
    try {
      merge(from, to, includeExpired, nowMillis, sink);
    } catch (CorruptionException e) {
      throw new CliException(e.getMessage() + " (run cairn verify " + files.directory() + ")", e);
    } catch (IOException | UncheckedIOException e) {
      throw new CliException("reading " + files.directory() + ": " + e.getMessage(), e);
    }
  }

  private void merge(byte[] from, byte[] to, boolean includeExpired, long nowMillis, Predicate<Item> sink)
      throws IOException {
    List<InternalIterator> sources = new ArrayList<>();
    sources.add(replayed.iterator(from, to));
    for (FileMeta f : manifest.allFiles()) {
      if ((to == null || InternalKey.compareUserKey(f.smallest(), to) < 0)
          && (from == null || InternalKey.compareUserKey(f.largest(), from) >= 0)) {
        sources.add(files.table(f.fileNumber()).iterator());
      }
    }
    try (MergingIterator it = new MergingIterator(sources)) {
      if (from == null) {
        it.seekToFirst();
      } else {
        it.seek(InternalKey.seekKey(from, InternalKey.MAX_SEQUENCE));
      }
      byte[] previous = null;
      for (; it.valid(); it.next()) {
        byte[] ikey = it.key();
        byte[] user = InternalKey.userKey(ikey);
        if (to != null && Arrays.compareUnsigned(user, to) >= 0) {
          break;
        }
        if (previous != null && Arrays.equals(previous, user)) {
          continue;
        }
        previous = user;
        byte type = InternalKey.type(ikey);
        if (type == InternalKey.TYPE_DELETION) {
          continue;
        }
        byte[] stored = it.value();
        Item item;
        if (type == InternalKey.TYPE_EXPIRING_VALUE) {
          item = new Item(user, Arrays.copyOfRange(stored, 8, stored.length), Bytes.getLong(stored, 0),
              InternalKey.sequence(ikey));
        } else {
          item = new Item(user, stored, Entry.NO_EXPIRY, InternalKey.sequence(ikey));
        }
        if (!includeExpired && item.expiredAt(nowMillis)) {
          continue;
        }
        if (!sink.test(item)) {
          return;
        }
      }
    }
  }

  /** The live entry of {@code key}, or null. */
  Item get(byte[] key, boolean includeExpired, long nowMillis) {
    Item[] found = new Item[1];
    byte[] next = Arrays.copyOf(key, key.length + 1);
    scan(key, next, includeExpired, nowMillis, item -> {
      found[0] = item;
      return false;
    });
    return found[0];
  }

  @Override
  public void close() {
    files.close();
  }
}
