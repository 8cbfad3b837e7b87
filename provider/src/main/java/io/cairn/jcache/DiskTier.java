package io.cairn.jcache;

import io.cairn.engine.Cursor;
import io.cairn.engine.Entry;
import io.cairn.engine.Options;
import io.cairn.engine.PrefixExtractor;
import io.cairn.engine.Store;
import io.cairn.engine.StoreException;
import io.cairn.engine.StoreStatistics;
import io.cairn.engine.WriteBatch;
import io.cairn.engine.format.Bytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import javax.cache.CacheException;

/**
 * A cache's disk tier: its own engine store, holding two key spaces.
 * <pre>
 * 0x00 key                    the entry: its encoded value, with the entry's absolute expiry as the engine's expiry
 * 0x01 expireAt:uint64 key    the expiry index: one empty record per entry that has an expiry, in time order, so the
 *                             expiry timer finds due entries with one short range scan
 * 0x02 len(value):varint value key
 *                             the inverse index of a bidirectional cache: one empty record per entry, carrying the
 *                             entry's expiry, so the keys whose disk copy holds a value are one short prefix scan
 *                             away (the prefix is in every table's bloom filter, see {@link #INVERSE_PREFIX}). A
 *                             record belongs to its key alone: moving a value between keys never touches another
 *                             key's record, and no write reads before it writes.
 * 0xff                        the META record of a persistent store: what the directory holds, for the tools that
 *                             read it without the application (the {@code cairn cache} command):
 *                             layoutVersion:varint cacheName keyCodec valueCodec, each string length:varint utf8.
 *                             Layout version 2 is this table; a directory without META is version 1 (the same keys,
 *                             written before META existed). The codecs are named as {@link #codecName} says.
 * </pre>
 * The META record is written when a persistent store opens without one, or with one that names other codecs or
 * another cache; a META of a newer layout version than {@link #LAYOUT_VERSION} is refused at open. It has no expiry,
 * is kept when FIFO drops its table, and survives {@link #deleteAll}.
 * An entry, its expiry record and its inverse record are written in one atomic batch, so every disk copy (k, v) has
 * its record (v, k). Removing an entry deletes its record in the same batch too; rewriting it with another value does
 * not delete the old record, which saves a third write per move. Such a stale record is harmless, since every reader
 * checks a record against its key's entry, and it goes when compaction meets it ({@link #staleInverse}) or, under
 * FIFO, with its table, as an overwritten entry's old version does. Under FIFO the disk tier keeps what is in use
 * without reads rewriting anything: the engine marks the entries reads return, and when the budget drops a table the
 * marked ones, and those whose key is on the heap, are rewritten ({@link Drops}). A non-persistent cache opens its store
 * lazily (in a temporary directory, without a log) the first time the heap tier spills, and deletes it on close; a
 * persistent one opens its directory at once and keeps it.
 *
 * <p>Engine failures (a full disk, an I/O error, corruption found by a read) reach callers as a
 * {@link CacheException} naming the cache and keeping the engine's message and cause: JCache callers see JCache's
 * exception type, never the engine's.
 *
 * <p>Thread-safety: the store reference is published once under {@code this}; the engine itself is thread-safe. The
 * counters ({@link #snapshot}) are {@link java.util.concurrent.atomic.LongAdder}s, bumped by any reader.
 */
final class DiskTier implements LowerTier {
  static final byte DATA = 0x00;
  static final byte INDEX = 0x01;
  static final byte INVERSE = 0x02;
  static final byte META = (byte) 0xff;
  /** The layout this code writes and the newest it opens; see the key-space table above. */
  static final int LAYOUT_VERSION = 2;
  private static final byte[] META_KEY = {META};
  private static final byte[] NO_KEY = {};

  /**
   * Names the {@code 0x02 | varint len(v) | v} prefix of an inverse record, so that every table's bloom filter also
   * answers "may a key hold this value here?" and {@link #inverseKeys} opens only the tables that may. Other keys
   * (entries, expiry records) have no prefix. A record with a malformed length has none either.
   */
  static final PrefixExtractor INVERSE_PREFIX = new PrefixExtractor() {
    @Override
    public String name() {
      return "cairn.inverse-value.v1";
    }

    @Override
    public int prefixLength(byte[] key, int length) {
      return length < 2 || key[0] != INVERSE ? -1 : valueEnd(key, length);
    }
  };

  /**
   * Where the value of the inverse record {@code record[0, length)} ends (the length of its prefix), or -1 if its
   * length varint is malformed or runs past the record.
   */
  private static int valueEnd(byte[] record, int length) {
    int[] at = {1};
    long len = Bytes.getVarint(record, at, length);
    return len < 0 || len > length - at[0] ? -1 : at[0] + (int) len;
  }

  private final String cacheName;
  private final CacheSettings settings;
  /** The codecs' names as the META record holds them. */
  private final String keyCodec;
  private final String valueCodec;
  private volatile Store store;
  private Path tempDir;
  private volatile boolean closed;
  /** Whether anything reads inverse records to decide uniqueness; see {@link #staleInverse}. */
  private volatile java.util.function.BooleanSupplier recordsProbed = () -> true;
  /** Whether an encoded key is on the heap tier now: such an entry's disk copy is kept when FIFO drops its table. */
  private volatile java.util.function.Predicate<byte[]> onHeap = k -> false;
  /** Told, once a drop's tables are gone, of the keys whose entries it deleted and nobody kept. */
  private volatile java.util.function.Consumer<List<byte[]>> onLost = keys -> { };
  /**
   * The keys (encoded) of the drop under way that it deletes and nobody kept; drops run one at a time, under the
   * store's compaction lock, which orders the threads that run them.
   */
  private List<byte[]> dropping = new ArrayList<>();
  /** Point reads of the entry key space that found a live entry, and that found none. */
  private final java.util.concurrent.atomic.LongAdder readHits = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder readMisses = new java.util.concurrent.atomic.LongAdder();
  /** Logs and counts the store's background events. */
  private final DiskTierEvents events;
  /** Manual compactions under way, which clean stale inverse records whatever {@link #recordsProbed} says. */
  private final java.util.concurrent.atomic.AtomicInteger manualCompactions =
      new java.util.concurrent.atomic.AtomicInteger();

  private final java.util.function.LongSupplier clock;

  /** The engine environment shared by the manager's caches, asked for when the store opens. */
  private final java.util.function.Supplier<io.cairn.engine.StoreEnvironment> environment;

  DiskTier(String cacheName, CacheSettings settings, java.util.function.LongSupplier clock,
      java.util.function.Supplier<io.cairn.engine.StoreEnvironment> environment, Codec<?> keyCodec,
      Codec<?> valueCodec) {
    this.cacheName = cacheName;
    this.settings = settings;
    this.keyCodec = codecName(keyCodec);
    this.valueCodec = codecName(valueCodec);
    this.clock = clock;
    this.environment = environment;
    this.events = new DiskTierEvents(cacheName);
    if (settings.persistent()) {
      open();
    }
  }

  @Override
  public boolean enabled() {
    return settings.diskBytes() > 0 || settings.persistent();
  }

  @Override
  public boolean isOpen() {
    return store != null;
  }

  @Override
  public boolean writeThrough() {
    return settings.persistent();
  }

  private Store open() {
    Store s = store;
    if (s != null) {
      return s;
    }
    synchronized (this) {
      if (store != null) {
        return store;
      }
      if (closed) {
        throw new IllegalStateException("cache " + cacheName + " is closed");
      }
      Path dir = settings.directory();
      try {
        if (!settings.persistent()) {
          tempDir = Files.createTempDirectory("cairn-" + CacheSettings.safeName(cacheName) + "-");
          dir = tempDir;
        }
        Options o = Options.defaults().durability(settings.durability()).compactionStyle(settings.compactionStyle())
            .bloomBitsPerKey(settings.bloomBitsPerKey())
            .memtableBytes(settings.memtableBytes()).targetFileBytes(Math.max(64 * 1024, settings.memtableBytes()))
            .fifoMaxBytes(Math.max(1, settings.diskBytes())).fifoMergeWidth(settings.fifoMergeWidth()).clock(clock);
        if (settings.bidirectional()) {
          o.prefixExtractor(INVERSE_PREFIX).compactionFilter(this::staleInverse);
        }
        o.compression(settings.compression()).eventListener(events);
        if (!settings.persistent()) {
          // The temporary directory is this cache's alone: no lock file (one file held open per cache).
          o.lockDirectory(false);
        }
        if (settings.blockCacheBytes() != null) {
          o.blockCacheBytes(settings.blockCacheBytes());
        } else {
          o.environment(environment.get());
        }
        if (settings.compactionStyle() == io.cairn.engine.CompactionStyle.FIFO) {
          o.fifoDropListener(new Drops());
        }
        Store opened = Store.open(dir, o);
        if (settings.persistent()) {
          try {
            checkMeta(opened, dir);
          } catch (RuntimeException e) {
            opened.close();
            throw e;
          }
        }
        store = opened;
        return store;
      } catch (IOException | RuntimeException e) {
        throw new CacheException("cannot open the disk tier of cache " + cacheName + " in " + dir + ": "
            + e.getMessage(), e);
      }
    }
  }

  /**
   * How the META record names a codec: a built-in one by its name ({@code String}, {@code Long}, {@code byte[]},
   * {@code UUID}, ...), the tagged codec of {@code Object} caches as {@code tagged}, JDK serialization as
   * {@code serialized}, any other by its class name.
   */
  static String codecName(Codec<?> c) {
    if (c instanceof Codecs.Tagged) {
      return "tagged";
    }
    if (c instanceof Codecs.Serialized) {
      return "serialized";
    }
    return c.getClass().getName().startsWith(Codecs.class.getName()) ? c.name() : c.getClass().getName();
  }

  /** The META record's value: layout version, cache name, key codec, value codec. */
  private byte[] meta() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64);
    byte[] buf = new byte[10];
    out.write(buf, 0, Bytes.putVarint(buf, 0, LAYOUT_VERSION));
    for (String field : new String[] {cacheName, keyCodec, valueCodec}) {
      byte[] b = field.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      out.write(buf, 0, Bytes.putVarint(buf, 0, b.length));
      out.write(b, 0, b.length);
    }
    return out.toByteArray();
  }

  /**
   * Refuses a directory whose META record is of a newer layout than this code knows; writes META if it is missing
   * (a version 1 directory, or a new one) or differs from this cache's.
   */
  private void checkMeta(Store s, Path dir) {
    byte[] expected = meta();
    byte[] found = s.get(META_KEY);
    if (found != null) {
      long version = Bytes.getVarint(found, new int[] {0}, found.length);
      if (version < 1) {
        throw new IllegalStateException("the META record of " + dir + " is unreadable (" + found.length
            + " bytes, no layout version)");
      }
      if (version > LAYOUT_VERSION) {
        throw new IllegalStateException(dir + " holds a disk tier of layout version " + version + ", written by a"
            + " newer Cairn; this version reads layout versions up to " + LAYOUT_VERSION);
      }
      if (Arrays.equals(found, expected)) {
        return;
      }
    }
    s.put(META_KEY, expected);
  }

  /** An engine failure as the cache's caller sees it. */
  private CacheException failure(String what, StoreException e) {
    return new CacheException("disk tier of cache " + cacheName + ": " + what + " failed: " + e.getMessage(), e);
  }

  static byte[] dataKey(byte[] key) {
    byte[] k = new byte[key.length + 1];
    k[0] = DATA;
    System.arraycopy(key, 0, k, 1, key.length);
    return k;
  }

  static byte[] indexKey(long expireAt, byte[] key) {
    byte[] k = new byte[key.length + 9];
    k[0] = INDEX;
    Codecs.putLong(k, 1, expireAt);
    System.arraycopy(key, 0, k, 9, key.length);
    return k;
  }

  /** The prefix of every inverse record of an encoded value: 0x02, the value's length as a varint, the value. */
  static byte[] inversePrefix(byte[] value) {
    return inverseKey(value, NO_KEY);
  }

  static byte[] inverseKey(byte[] value, byte[] key) {
    byte[] k = new byte[1 + Bytes.varintLength(value.length) + value.length + key.length];
    k[0] = INVERSE;
    int at = Bytes.putVarint(k, 1, value.length);
    System.arraycopy(value, 0, k, at, value.length);
    System.arraycopy(key, 0, k, at + value.length, key.length);
    return k;
  }

  /** Splits an inverse record's key into {encoded value, encoded key}. */
  static byte[][] splitInverse(byte[] record) {
    int[] at = {1};
    long len = Bytes.getVarint(record, at, record.length);
    if (len < 0 || len > record.length - at[0]) {
      throw new IllegalStateException("malformed inverse record " + Bytes.toDisplay(record));
    }
    int start = at[0];
    int end = start + (int) len;
    return new byte[][] {Arrays.copyOfRange(record, start, end), Arrays.copyOfRange(record, end, record.length)};
  }

  @Override
  public List<byte[]> inverseKeys(byte[] value) {
    Store s = store;
    if (s == null) {
      return List.of();
    }
    byte[] prefix = inversePrefix(value);
    List<byte[]> keys = new ArrayList<>(1);
    try (Cursor c = s.scanPrefix(prefix)) {
      while (c.hasNext()) {
        byte[] k = c.next().key();
        keys.add(Arrays.copyOfRange(k, prefix.length, k.length));
      }
    } catch (StoreException e) {
      throw failure("a value lookup", e);
    }
    return keys;
  }

  @Override
  public Iterator<byte[][]> scanInverse() {
    Store s = store;
    if (s == null) {
      return java.util.Collections.emptyIterator();
    }
    Cursor c = s.scan(new byte[] {INVERSE}, new byte[] {INVERSE + 1});
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        try {
          return c.hasNext();
        } catch (StoreException e) {
          throw failure("a scan of the inverse index", e);
        }
      }

      @Override
      public byte[][] next() {
        try {
          return splitInverse(c.next().key());
        } catch (StoreException e) {
          throw failure("a scan of the inverse index", e);
        }
      }
    };
  }

  @Override
  public Entry read(byte[] key) {
    Store s = store;
    if (s == null) {
      return null;
    }
    try {
      Entry e = s.getEntry(dataKey(key));
      (e == null ? readMisses : readHits).increment();
      return e;
    } catch (StoreException e) {
      throw failure("a read", e);
    }
  }

  @Override
  public Entry readIncludingExpired(byte[] key) {
    Store s = store;
    try {
      return s == null ? null : s.getEntryIncludingExpired(dataKey(key));
    } catch (StoreException e) {
      throw failure("a read", e);
    }
  }

  /**
   * Writes an entry; {@code previousExpireAt} is the expiry recorded with the disk copy it replaces
   * ({@link Holder#ETERNAL} if none), whose index record is deleted in the same batch. A bidirectional cache writes the
   * entry's inverse record with it (the replaced copy's record, if its value differs, is left stale: see above).
   */
  @Override
  public void write(byte[] key, byte[] value, long expireAt, long previousExpireAt) {
    WriteBatch b = new WriteBatch();
    if (previousExpireAt != Holder.ETERNAL && previousExpireAt != expireAt) {
      b.delete(indexKey(previousExpireAt, key));
    }
    if (expireAt == Holder.ETERNAL) {
      b.put(dataKey(key), value);
    } else {
      b.put(dataKey(key), value, expireAt);
      b.put(indexKey(expireAt, key), new byte[0]);
    }
    if (settings.bidirectional()) {
      if (expireAt == Holder.ETERNAL) {
        b.put(inverseKey(value, key), new byte[0]);
      } else {
        b.put(inverseKey(value, key), new byte[0], expireAt);
      }
    }
    Store s = open();
    try {
      s.write(b);
    } catch (StoreException e) {
      throw failure("a write", e);
    }
  }

  /**
   * Deletes an entry, its expiry record and (bidirectional caches, {@code value} the disk copy's value) its inverse
   * record.
   */
  @Override
  public void delete(byte[] key, long expireAt, byte[] value) {
    Store s = store;
    if (s == null) {
      return;
    }
    WriteBatch b = new WriteBatch().delete(dataKey(key));
    if (expireAt != Holder.ETERNAL) {
      b.delete(indexKey(expireAt, key));
    }
    if (value != null && settings.bidirectional()) {
      b.delete(inverseKey(value, key));
    }
    try {
      s.write(b);
    } catch (StoreException e) {
      throw failure("a delete", e);
    }
  }

  /** Up to {@code max} index records due at {@code now}, oldest first. */
  @Override
  public List<Due> due(long now, int max) {
    List<Due> out = new ArrayList<>();
    Store s = store;
    if (s == null) {
      return out;
    }
    byte[] to = new byte[9];
    to[0] = INDEX;
    Codecs.putLong(to, 1, now + 1);
    try (Cursor c = s.scan(new byte[] {INDEX}, to)) {
      while (c.hasNext() && out.size() < max) {
        Entry e = c.next();
        out.add(new Due(Codecs.getLong(e.key(), 1), Arrays.copyOfRange(e.key(), 9, e.key().length)));
      }
    } catch (StoreException e) {
      throw failure("a scan of the expiry index", e);
    }
    return out;
  }

  @Override
  public void deleteIndex(long expireAt, byte[] key) {
    Store s = store;
    if (s != null) {
      try {
        s.delete(indexKey(expireAt, key));
      } catch (StoreException e) {
        throw failure("a delete", e);
      }
    }
  }

  /** Live entries in key order: encoded key (prefix removed), value, expiry. From {@code from} up to {@code to}. */
  @Override
  public Iterator<Entry> scan(byte[] from, byte[] to) {
    Store s = store;
    if (s == null) {
      return java.util.Collections.emptyIterator();
    }
    Cursor c;
    try {
      c = s.scan(from == null ? new byte[] {DATA} : dataKey(from), to == null ? new byte[] {INDEX} : dataKey(to));
    } catch (StoreException e) {
      throw failure("a scan", e);
    }
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        try {
          return c.hasNext();
        } catch (StoreException e) {
          throw failure("a scan", e);
        }
      }

      @Override
      public Entry next() {
        Entry e;
        try {
          if (!c.hasNext()) {
            throw new NoSuchElementException();
          }
          e = c.next();
        } catch (StoreException x) {
          throw failure("a scan", x);
        }
        return new Entry(Arrays.copyOfRange(e.key(), 1, e.key().length), e.value(), e.expireAtMillis());
      }
    };
  }

  /**
   * Bidirectional caches: tells the background compaction filter whether writers read inverse records to decide
   * uniqueness (the cache has spilled). Until then each stale record would cost a merge a point read for nothing.
   */
  @Override
  public void recordsProbedWhen(java.util.function.BooleanSupplier probed) {
    recordsProbed = probed;
  }

  /**
   * The compaction filter of a bidirectional cache's store: keeps every key but an inverse record whose key's disk
   * copy no longer holds its value. The copy is read at the store's latest sequence, which is at or after the record's
   * own (they were written in one batch), so a record found stale stays stale: a later write of that value under that
   * key writes a record of its own.
   *
   * <p>Each check is a point read, which is most of a merge's work in a bidirectional store. So background merges keep
   * every record while no writer reads them ({@link #recordsProbedWhen}): every holder of a value is then on the heap
   * and claims it, and {@code inverse()} checks each record against its key anyway. A stale record then costs only
   * its bytes until a merge after the first spill, FIFO's drop of its table, or a manual {@link #compact} removes it.
   */
  private boolean staleInverse(byte[] key) {
    if (key.length == 0 || key[0] != INVERSE) {
      return true;
    }
    if (manualCompactions.get() == 0 && !recordsProbed.getAsBoolean()) {
      return true;
    }
    Store s = store;
    if (s == null || INVERSE_PREFIX.prefixLength(key, key.length) < 0) {
      return true;
    }
    byte[][] vk = splitInverse(key);
    Entry e = s.getEntry(dataKey(vk[1]));
    return e != null && Arrays.equals(e.value(), vk[0]);
  }

  /**
   * What the disk tier keeps of the tables FIFO drops, and whom it tells of the rest. By budget: an entry survives
   * (rewritten with its expiry record and, in a bidirectional cache, its inverse record) if it was read from disk
   * recently or its key is on the heap tier, so the disk tier keeps what is in use without any read rewriting what it
   * read, and a heap entry's disk copy (a persistent cache's only durable one) stays while the heap holds it, up to
   * the drop's keep cap. Entries past the cap, every entry of a drop for space after a write found the disk full, and
   * those of a memtable the store gave up for space (no table left to drop), are discarded. Index and inverse records go with their table; those of kept entries are rewritten here.
   *
   * <p>The keys of the entries not kept are told to {@link #onLost} only when the drop's tables have left the store (a
   * failed drop is offered again, and its keys must not be told twice); among them may be keys on the heap, whose
   * disk copy the heap tier must then write again when it evicts them. A META record discarded for space is written
   * again when the store next opens.
   */
  private final class Drops implements io.cairn.engine.FifoDropListener {
    @Override
    public void onDrop(Entry e, boolean recentlyRead, WriteBatch keep) {
      byte[] k = e.key();
      if (Arrays.equals(k, META_KEY)) {
        keep.put(e);
        return;
      }
      byte[] key = entryKey(k);
      if (key == null) {
        return;
      }
      if (!recentlyRead && !onHeap.test(key)) {
        dropping.add(key);
        return;
      }
      keepEntry(e, key, keep);
    }

    @Override
    public void onDiscard(byte[] k) {
      byte[] key = entryKey(k);
      if (key != null) {
        dropping.add(key);
      }
    }

    /** Not part of a drop (see the engine's contract): the keys are lost now, and {@link #dropping} stays as it is. */
    @Override
    public void onMemtableDiscarded(List<byte[]> discarded) {
      List<byte[]> keys = new ArrayList<>();
      for (byte[] k : discarded) {
        byte[] key = entryKey(k);
        if (key != null) {
          keys.add(key);
        }
      }
      if (!keys.isEmpty()) {
        onLost.accept(keys);
      }
    }

    @Override
    public void onDropEnd(boolean deleted) {
      List<byte[]> keys = dropping;
      dropping = new ArrayList<>();
      if (deleted && !keys.isEmpty()) {
        onLost.accept(keys);
      }
    }
  }

  /** The cache key an entry record holds (its DATA byte stripped), or null for an index, inverse or META record. */
  private static byte[] entryKey(byte[] record) {
    return record.length > 0 && record[0] == DATA ? Arrays.copyOfRange(record, 1, record.length) : null;
  }

  private void keepEntry(Entry e, byte[] key, WriteBatch keep) {
    keep.put(e);
    if (e.hasExpiry()) {
      keep.put(indexKey(e.expireAtMillis(), key), new byte[0]);
    }
    if (settings.bidirectional()) {
      if (e.hasExpiry()) {
        keep.put(inverseKey(e.value(), key), new byte[0], e.expireAtMillis());
      } else {
        keep.put(inverseKey(e.value(), key), new byte[0]);
      }
    }
  }

  @Override
  public void onHeap(java.util.function.Predicate<byte[]> resident) {
    onHeap = resident;
  }

  @Override
  public void onLost(java.util.function.Consumer<List<byte[]>> lost) {
    onLost = lost;
  }

  /** Whether the store holds any live entry (not counting index and inverse records); false if it is not open. */
  @Override
  public boolean hasEntries() {
    Store s = store;
    if (s == null) {
      return false;
    }
    try (Cursor c = s.scan(new byte[] {DATA}, new byte[] {INDEX})) {
      return c.hasNext();
    } catch (StoreException e) {
      throw failure("a scan", e);
    }
  }

  /** Deletes every entry and index record (clear); the META record stays. */
  @Override
  public void deleteAll() {
    Store s = store;
    if (s == null) {
      return;
    }
    try {
      WriteBatch b = new WriteBatch();
      try (Cursor c = s.scan(null, META_KEY)) {
        while (c.hasNext()) {
          b.delete(c.next().key());
          if (b.count() >= 1000) {
            s.write(b);
            b = new WriteBatch();
          }
        }
      }
      s.write(b);
    } catch (StoreException e) {
      throw failure("clearing", e);
    }
  }

  @Override
  public void flush() {
    Store s = store;
    if (s != null) {
      try {
        s.flush();
      } catch (StoreException e) {
        throw failure("a flush", e);
      }
    }
  }

  @Override
  public void compact() {
    Store s = store;
    if (s != null) {
      manualCompactions.incrementAndGet();
      try {
        s.compact();
      } catch (StoreException e) {
        throw failure("a compaction", e);
      } finally {
        manualCompactions.decrementAndGet();
      }
    }
  }

  @Override
  public StoreStatistics statistics() {
    return open().statistics();
  }

  /**
   * What the tier holds and did now; reads the engine's statistics only if the store is open (never opens it).
   * Never throws: a store that fails to report (it is closing) is reported as not open.
   *
   * @param lostEntries the entries its drops deleted that the cache lost (as the tier store counted them)
   */
  TierStatistics.Disk snapshot(long lostEntries) {
    Store s = store;
    StoreStatistics engine = null;
    io.cairn.engine.StoreError error = null;
    if (s != null) {
      try {
        engine = s.statistics();
        error = engine.errors().current();
      } catch (RuntimeException closing) {
        s = null;
      }
    }
    long bytes = 0;
    long records = 0;
    if (engine != null) {
      bytes = engine.tables().bytes();
      for (StoreStatistics.Level l : engine.levels()) {
        records += l.entries() - 2 * l.tombstones();
      }
    }
    return new TierStatistics.Disk(enabled(), s != null, settings.persistent(), s == null ? null : s.directory(),
        settings.diskBytes(), bytes, Math.max(0, records), readHits.sum(), readMisses.sum(), lostEntries,
        events.snapshot(), error, engine);
  }

  /** Closes the store; a non-persistent cache's files are deleted. */
  @Override
  public synchronized void close() {
    closed = true;
    Store s = store;
    store = null;
    try {
      if (s != null) {
        s.close();
      }
    } catch (StoreException e) {
      throw failure("closing", e);
    } finally {
      if (tempDir != null) {
        deleteTree(tempDir);
        tempDir = null;
      }
    }
  }

  /** Closes and deletes the cache's files, persistent ones included (destroyCache). */
  @Override
  public synchronized void destroy() {
    close();
    if (settings.persistent()) {
      deleteTree(settings.directory());
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new CacheException("deleting " + dir + ": " + e.getMessage(), e);
    }
  }
}
