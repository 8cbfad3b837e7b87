package io.cairn.engine;

import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.iterator.InternalIterator;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * An ordered scan over {@code [from, to)} at one point in time: the store's sequence number when the scan began. Writes
 * that land later are invisible to it, and the tables it reads stay on disk until it is closed (or runs to its end),
 * however compaction goes on meanwhile. Entries are read lazily, a block at a time. Not thread-safe.
 */
public final class Cursor implements Iterator<Entry>, AutoCloseable {
  /** Older versions of one key stepped over before the scan seeks past them instead. */
  private static final int MAX_SEQUENTIAL_SKIPS = 8;
  private final InternalIterator source;
  private final long snapshot;
  private final byte[] to;
  private final LongSupplier clock;
  private Runnable release;
  private byte[] lastUserKey;
  private Entry next;
  private boolean started;
  private final byte[] from;
  private final UnaryOperator<RuntimeException> onError;

  /** @param onError turns a failure of the source (an I/O error, corruption) into what the caller sees */
  Cursor(InternalIterator source, long snapshot, byte[] from, byte[] to, LongSupplier clock, Runnable release,
      UnaryOperator<RuntimeException> onError) {
    this.source = source;
    this.onError = onError;
    this.snapshot = snapshot;
    this.from = from;
    this.to = to;
    this.clock = clock;
    this.release = release;
  }

  /** The sequence number this scan reads at. */
  public long snapshot() {
    return snapshot;
  }

  /**
   * @throws CorruptionException naming the file and offset, if a table the scan reads is damaged (the scan is closed)
   * @throws StoreException if reading a table failed (the scan is closed)
   */
  @Override
  public boolean hasNext() {
    if (next == null && release != null) {
      try {
        next = advance();
      } catch (RuntimeException e) {
        close();
        throw onError.apply(e);
      }
      if (next == null) {
        close();
      }
    }
    return next != null;
  }

  @Override
  public Entry next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Entry e = next;
    next = null;
    return e;
  }

  private Entry advance() {
    if (!started) {
      started = true;
      if (from == null) {
        source.seekToFirst();
      } else {
        source.seek(InternalKey.seekKey(from, snapshot));
      }
    } else if (source.valid()) {
      source.next();
    }
    long now = clock.getAsLong();
    int skipped = 0;
    while (source.valid()) {
      byte[] ikey = source.key();
      boolean hidden = InternalKey.sequence(ikey) > snapshot;
      if (hidden || lastUserKey != null && InternalKey.compareUserKey(ikey, lastUserKey) == 0) {
        if (!hidden && ++skipped > MAX_SEQUENTIAL_SKIPS) {
          // A key overwritten or deleted many times (a hot key's versions in the memtable): one seek past its oldest
          // possible version instead of stepping through them all.
          source.seek(InternalKey.encode(lastUserKey, 0, InternalKey.TYPE_DELETION));
          skipped = 0;
          if (source.valid() && InternalKey.compareUserKey(source.key(), lastUserKey) == 0) {
            source.next();
          }
        } else {
          source.next();
        }
        continue;
      }
      skipped = 0;
      if (to != null && InternalKey.compareUserKey(ikey, to) >= 0) {
        return null;
      }
      lastUserKey = InternalKey.userKey(ikey);
      byte type = InternalKey.type(ikey);
      if (type == InternalKey.TYPE_DELETION) {
        source.next();
        continue;
      }
      byte[] stored = source.value();
      if (type == InternalKey.TYPE_EXPIRING_VALUE) {
        long at = Bytes.getLong(stored, 0);
        if (at <= now) {
          source.next();
          continue;
        }
        return new Entry(lastUserKey, Arrays.copyOfRange(stored, 8, stored.length), at);
      }
      return new Entry(lastUserKey, stored == null ? new byte[0] : stored.clone(), Entry.NO_EXPIRY);
    }
    return null;
  }

  /** Releases the tables this scan pinned. Idempotent. */
  @Override
  public void close() {
    if (release != null) {
      Runnable r = release;
      release = null;
      try {
        source.close();
      } finally {
        r.run();
      }
    }
  }
}
