package io.cairn.engine.memtable;

import io.cairn.engine.format.InternalKey;
import io.cairn.engine.iterator.InternalIterator;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A concurrent skip list of internal keys. Many threads may read while the commit leader inserts; readers filter by
 * sequence number, so an entry inserted after a reader's snapshot is invisible to it.
 *
 * <p>Thread-safety: the map is lock-free; {@link #approximateBytes} is an atomic counter.
 */
public final class MemTable {
  /** Estimated per-entry overhead of a skip-list node and two arrays, added to the key and value lengths. */
  private static final int ENTRY_OVERHEAD_BYTES = 80;

  private final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(InternalKey.COMPARATOR);
  private final AtomicLong bytes = new AtomicLong();
  private final long logNumber;

  /** @param logNumber the number of the WAL holding this memtable's writes (0 when there is no log) */
  public MemTable(long logNumber) {
    this.logNumber = logNumber;
  }

  public void add(long sequence, byte type, byte[] userKey, byte[] storedValue) {
    byte[] ikey = InternalKey.encode(userKey, sequence, type);
    map.put(ikey, storedValue);
    bytes.addAndGet(ikey.length + storedValue.length + ENTRY_OVERHEAD_BYTES);
  }

  /**
   * The newest entry for {@code userKey} with a sequence at or below {@code snapshot}, or {@code null}. The caller
   * reads the type from the key (a tombstone is an answer too: the key is deleted).
   */
  public Map.Entry<byte[], byte[]> get(byte[] userKey, long snapshot) {
    Map.Entry<byte[], byte[]> e = map.ceilingEntry(InternalKey.seekKey(userKey, snapshot));
    if (e == null || InternalKey.compareUserKey(e.getKey(), userKey) != 0) {
      return null;
    }
    return e;
  }

  public long approximateBytes() {
    return bytes.get();
  }

  public boolean isEmpty() {
    return map.isEmpty();
  }

  public long logNumber() {
    return logNumber;
  }

  public InternalIterator iterator() {
    return new SkipListIterator(map);
  }

  private static final class SkipListIterator implements InternalIterator {
    private final ConcurrentSkipListMap<byte[], byte[]> map;
    private Iterator<Map.Entry<byte[], byte[]>> it;
    private Map.Entry<byte[], byte[]> current;

    SkipListIterator(ConcurrentSkipListMap<byte[], byte[]> map) {
      this.map = map;
    }

    @Override
    public boolean valid() {
      return current != null;
    }

    @Override
    public void seekToFirst() {
      position(map);
    }

    @Override
    public void seek(byte[] internalKey) {
      position(map.tailMap(internalKey, true));
    }

    private void position(ConcurrentNavigableMap<byte[], byte[]> view) {
      it = view.entrySet().iterator();
      current = it.hasNext() ? it.next() : null;
    }

    @Override
    public void next() {
      current = it.hasNext() ? it.next() : null;
    }

    @Override
    public byte[] key() {
      return current.getKey();
    }

    @Override
    public byte[] value() {
      return current.getValue();
    }
  }
}
