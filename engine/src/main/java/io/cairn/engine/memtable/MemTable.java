package io.cairn.engine.memtable;

import io.cairn.engine.PrefixExtractor;
import io.cairn.engine.bloom.BloomFilter;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.iterator.InternalIterator;
import io.cairn.engine.iterator.MergingIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A memtable: the newest writes, ordered by internal key. Many threads may read while the commit leader inserts;
 * readers filter by sequence number, so an entry inserted after a reader's snapshot is invisible to it.
 *
 * <p>Without a {@link PrefixExtractor}, every entry lives in one concurrent skip list. With one, an entry whose key has
 * a prefix lives in a bucket of its prefix instead, found by the prefix's hash, the way a hash-bucketed memtable keeps
 * keys grouped for prefix scans: a bucket is a small array sorted by internal key, replaced whole on each insert, and
 * moves to a skip list of its own once it holds {@value #SMALL_BUCKET_ENTRIES} entries. This suits prefixes that each
 * cover a few keys (the inverse records of a bidirectional cache, one or two per value): an insert costs a hash lookup
 * and a copy of a few references rather than a descent through a skip list of every entry, and a prefix scan reads one
 * bucket. A scan in key order over the prefixed keys sorts them first (they are kept in no global order); that is what
 * a flush does, and a range scan whose range reaches past the lowest or highest prefixed key. The sorted view is kept
 * until an entry is added, so an immutable memtable sorts once.
 *
 * <p>The memtable also keeps a small bloom filter of the prefixes it holds, so a prefix scan can pass over it without
 * looking for a bucket when the prefix is absent. Each prefix sets {@value #PREFIX_PROBES} bits of one 64-bit word, so
 * an answer costs one cache line. The filter bits, the prefixed-key bounds and the bucket entry are all in place
 * before the entry's sequence is published, and a reader only looks for entries its snapshot sequence lets it see;
 * so a reader never misses a prefix it should see.
 *
 * <p>Thread-safety: the skip list and the bucket map are lock-free for readers; a bucket's array is published through
 * a volatile field; writers to one bucket (there is one commit leader at a time) synchronize on it;
 * {@link #approximateBytes} is an atomic counter; the filter's words are set with atomic ORs.
 */
public final class MemTable {
  /** Estimated per-entry overhead of a skip-list node and two arrays, added to the key and value lengths. */
  private static final int ENTRY_OVERHEAD_BYTES = 80;
  /** Entries a prefix bucket keeps in its sorted array before it moves them to a skip list. */
  static final int SMALL_BUCKET_ENTRIES = 16;

  private final ConcurrentSkipListMap<byte[], byte[]> map = new ConcurrentSkipListMap<>(InternalKey.COMPARATOR);
  private final AtomicLong bytes = new AtomicLong();
  private final long logNumber;
  private final PrefixExtractor extractor;
  private final AtomicLongArray prefixWords;
  /** The buckets of keys with a prefix, by prefix hash; null without an extractor. */
  private final ConcurrentHashMap<Long, Bucket> buckets;
  /** Entries in buckets, counted after each is inserted. */
  private final AtomicLong prefixedEntries = new AtomicLong();
  /** The lowest and highest user keys in buckets; null while there are none. Widened before an insert. */
  private volatile byte[] lowestPrefixed;
  private volatile byte[] highestPrefixed;
  /** The bucket entries in key order as last sorted, and how many there were; see {@link #sortedPrefixed}. */
  private volatile Sorted sorted;

  /** Bits set per prefix, all in one word. */
  static final int PREFIX_PROBES = 4;
  /** Filter bits per entry the memtable can hold at its size budget. */
  private static final int PREFIX_BITS_PER_ENTRY = 16;

  /** @param logNumber the number of the WAL holding this memtable's writes (0 when there is no log) */
  public MemTable(long logNumber) {
    this(logNumber, null, 0);
  }

  /**
   * @param logNumber the number of the WAL holding this memtable's writes (0 when there is no log)
   * @param extractor names the key prefixes to bucket and keep a filter of; null for none
   * @param budgetBytes the size at which the memtable is flushed, which sizes the prefix filter
   */
  public MemTable(long logNumber, PrefixExtractor extractor, long budgetBytes) {
    this.logNumber = logNumber;
    this.extractor = extractor;
    if (extractor == null) {
      this.prefixWords = null;
      this.buckets = null;
    } else {
      long entries = Math.max(1024, budgetBytes / ENTRY_OVERHEAD_BYTES);
      long words = Math.min(1 << 24, Math.max(64, entries * PREFIX_BITS_PER_ENTRY / 64));
      this.prefixWords = new AtomicLongArray(Integer.highestOneBit((int) words - 1) << 1);
      this.buckets = new ConcurrentHashMap<>();
    }
  }

  public void add(long sequence, byte type, byte[] userKey, byte[] storedValue) {
    byte[] ikey = InternalKey.encode(userKey, sequence, type);
    int n = extractor == null ? -1 : extractor.prefixLength(userKey, userKey.length);
    if (n < 0) {
      map.put(ikey, storedValue);
    } else {
      long h = BloomFilter.prefixHash(userKey, 0, n);
      long bits = prefixBits(h);
      int word = prefixWord(h);
      if ((prefixWords.get(word) & bits) != bits) {
        prefixWords.getAndAccumulate(word, bits, (a, b) -> a | b);
      }
      widenPrefixedBounds(userKey);
      Bucket b = buckets.get(h);
      if (b == null) {
        b = buckets.computeIfAbsent(h, x -> new Bucket());
      }
      b.add(ikey, storedValue);
      prefixedEntries.incrementAndGet();
    }
    bytes.addAndGet(ikey.length + storedValue.length + ENTRY_OVERHEAD_BYTES);
  }

  private void widenPrefixedBounds(byte[] userKey) {
    byte[] lo = lowestPrefixed;
    byte[] hi = highestPrefixed;
    if (lo != null && Arrays.compareUnsigned(userKey, lo) >= 0 && Arrays.compareUnsigned(userKey, hi) <= 0) {
      return;
    }
    synchronized (this) {
      if (lowestPrefixed == null || Arrays.compareUnsigned(userKey, lowestPrefixed) < 0) {
        lowestPrefixed = userKey;
      }
      if (highestPrefixed == null || Arrays.compareUnsigned(userKey, highestPrefixed) > 0) {
        highestPrefixed = userKey;
      }
    }
  }

  /**
   * False only if no key with the prefix whose {@link BloomFilter#prefixHash} is {@code prefixHash} was ever added
   * (under the extractor this memtable was made with); true when there is no filter.
   */
  public boolean mayContainPrefix(long prefixHash) {
    if (prefixWords == null) {
      return true;
    }
    long bits = prefixBits(prefixHash);
    return (prefixWords.get(prefixWord(prefixHash)) & bits) == bits;
  }

  private int prefixWord(long h) {
    return (int) (h >>> 40) & (prefixWords.length() - 1);
  }

  private static long prefixBits(long h) {
    long bits = 0;
    for (int i = 0; i < PREFIX_PROBES; i++) {
      bits |= 1L << (h >>> (6 * i));
    }
    return bits;
  }

  /**
   * The newest entry for {@code userKey} with a sequence at or below {@code snapshot}, or {@code null}. The caller
   * reads the type from the key (a tombstone is an answer too: the key is deleted).
   */
  public Map.Entry<byte[], byte[]> get(byte[] userKey, long snapshot) {
    byte[] seek = InternalKey.seekKey(userKey, snapshot);
    int n = extractor == null ? -1 : extractor.prefixLength(userKey, userKey.length);
    Map.Entry<byte[], byte[]> e;
    if (n < 0) {
      e = map.ceilingEntry(seek);
    } else {
      Bucket b = buckets.get(BloomFilter.prefixHash(userKey, 0, n));
      e = b == null ? null : b.ceiling(seek);
    }
    if (e == null || InternalKey.compareUserKey(e.getKey(), userKey) != 0) {
      return null;
    }
    return e;
  }

  public long approximateBytes() {
    return bytes.get();
  }

  public boolean isEmpty() {
    return map.isEmpty() && (buckets == null || buckets.isEmpty());
  }

  public long logNumber() {
    return logNumber;
  }

  /** Every entry in internal-key order (a flush). */
  public InternalIterator iterator() {
    return iterator(null, null);
  }

  /**
   * The entries in internal-key order, at least those whose user keys lie in {@code [from, to)} (either null for
   * unbounded): the caller bounds what it reads. Prefixed keys are sorted in only if the range reaches them.
   */
  public InternalIterator iterator(byte[] from, byte[] to) {
    InternalIterator skip = new SkipListIterator(map);
    byte[] lo = lowestPrefixed;
    byte[] hi = highestPrefixed;
    if (lo == null || (from != null && Arrays.compareUnsigned(hi, from) < 0)
        || (to != null && Arrays.compareUnsigned(lo, to) >= 0)) {
      return skip;
    }
    return new MergingIterator(List.of(skip, sortedPrefixed().iterator()));
  }

  /**
   * The entries of the prefix whose {@link BloomFilter#prefixHash} is {@code prefixHash}, in internal-key order (and
   * any other prefix with the same hash: the caller bounds what it reads); nothing without an extractor.
   */
  public InternalIterator prefixIterator(long prefixHash) {
    Bucket b = buckets == null ? null : buckets.get(prefixHash);
    return b == null ? new ArrayIterator(EMPTY) : b.iterator();
  }

  /** Every bucket entry in internal-key order, sorted now unless no entry was added since the last sort. */
  private Sorted sortedPrefixed() {
    long count = prefixedEntries.get();
    Sorted s = sorted;
    if (s != null && s.count == count) {
      return s;
    }
    List<byte[][]> pairs = new ArrayList<>((int) Math.min(Integer.MAX_VALUE - 8, count + 16));
    for (Bucket b : buckets.values()) {
      b.collect(pairs);
    }
    pairs.sort((a, b) -> InternalKey.compare(a[0], b[0]));
    byte[][] kv = new byte[pairs.size() * 2][];
    for (int i = 0; i < pairs.size(); i++) {
      kv[2 * i] = pairs.get(i)[0];
      kv[2 * i + 1] = pairs.get(i)[1];
    }
    s = new Sorted(kv, pairs.size());
    if (s.count == count) {
      sorted = s;
    }
    return s;
  }

  private static final byte[][] EMPTY = {};

  /** Bucket entries in key order: keys at even indexes, values at odd; {@code count} entries. */
  private record Sorted(byte[][] kv, long count) {
    InternalIterator iterator() {
      return new ArrayIterator(kv);
    }
  }

  /**
   * The entries of one prefix (or of prefixes sharing its hash). Small: an array sorted by internal key, keys at even
   * indexes and values at odd, replaced whole by each insert, so a reader holds a consistent copy. Large: a skip list.
   */
  private static final class Bucket {
    private volatile byte[][] small = EMPTY;
    private volatile ConcurrentSkipListMap<byte[], byte[]> large;

    synchronized void add(byte[] ikey, byte[] value) {
      ConcurrentSkipListMap<byte[], byte[]> l = large;
      if (l != null) {
        l.put(ikey, value);
        return;
      }
      byte[][] a = small;
      if (a.length / 2 >= SMALL_BUCKET_ENTRIES) {
        l = new ConcurrentSkipListMap<>(InternalKey.COMPARATOR);
        for (int i = 0; i < a.length; i += 2) {
          l.put(a[i], a[i + 1]);
        }
        l.put(ikey, value);
        large = l;
        return;
      }
      int at = ceilingIndex(a, ikey);
      byte[][] b = new byte[a.length + 2][];
      System.arraycopy(a, 0, b, 0, at);
      b[at] = ikey;
      b[at + 1] = value;
      System.arraycopy(a, at, b, at + 2, a.length - at);
      small = b;
    }

    /** The first entry at or after {@code ikey}, or null. */
    Map.Entry<byte[], byte[]> ceiling(byte[] ikey) {
      ConcurrentSkipListMap<byte[], byte[]> l = large;
      if (l != null) {
        return l.ceilingEntry(ikey);
      }
      byte[][] a = small;
      int at = ceilingIndex(a, ikey);
      return at == a.length ? null : Map.entry(a[at], a[at + 1]);
    }

    InternalIterator iterator() {
      ConcurrentSkipListMap<byte[], byte[]> l = large;
      return l != null ? new SkipListIterator(l) : new ArrayIterator(small);
    }

    void collect(List<byte[][]> out) {
      ConcurrentSkipListMap<byte[], byte[]> l = large;
      if (l != null) {
        for (Map.Entry<byte[], byte[]> e : l.entrySet()) {
          out.add(new byte[][] {e.getKey(), e.getValue()});
        }
        return;
      }
      byte[][] a = small;
      for (int i = 0; i < a.length; i += 2) {
        out.add(new byte[][] {a[i], a[i + 1]});
      }
    }
  }

  /** The index (even) of the first key at or after {@code ikey} in a key/value array sorted by key; its length if none. */
  private static int ceilingIndex(byte[][] kv, byte[] ikey) {
    int lo = 0;
    int hi = kv.length / 2;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (InternalKey.compare(kv[2 * mid], ikey) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return 2 * lo;
  }

  /** Over a key/value array sorted by key (keys at even indexes). */
  private static final class ArrayIterator implements InternalIterator {
    private final byte[][] kv;
    private int at;

    ArrayIterator(byte[][] kv) {
      this.kv = kv;
      this.at = kv.length;
    }

    @Override
    public boolean valid() {
      return at < kv.length;
    }

    @Override
    public void seekToFirst() {
      at = 0;
    }

    @Override
    public void seek(byte[] internalKey) {
      at = ceilingIndex(kv, internalKey);
    }

    @Override
    public void next() {
      at += 2;
    }

    @Override
    public byte[] key() {
      return kv[at];
    }

    @Override
    public byte[] value() {
      return kv[at + 1];
    }
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
