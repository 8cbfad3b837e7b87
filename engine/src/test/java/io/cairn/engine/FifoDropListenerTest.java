package io.cairn.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cairn.engine.fs.FaultInjectionFileSystem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Options#fifoDropListener}: what a FIFO drop by budget offers (checked against a model of the dropped run and
 * the newer runs that overwrite, delete and expire its keys), what the listener keeps surviving the drop and a
 * reopen, the access bits behind {@code recentlyRead}, one log force per drop under SYNC, no endless rewriting when
 * everything is kept, reads that never write, and writes racing drops that never lose to a kept old value.
 */
class FifoDropListenerTest {
  @TempDir Path dir;

  private final AtomicLong now = new AtomicLong(1_000_000);

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  private static String key(char prefix, int i) {
    return String.format("%c%05d", prefix, i);
  }

  /** A FIFO store without merging, so that every flush is a run of its own and the oldest run is the one dropped. */
  private Options fifo(long budgetBytes, Durability d, FifoDropListener l) {
    return Options.defaults().compactionStyle(CompactionStyle.FIFO).fifoMaxBytes(budgetBytes).fifoMergeWidth(0)
        .memtableBytes(1 << 20).blockBytes(1024).targetFileBytes(1 << 20).durability(d).clock(now::get)
        .fifoDropListener(l).compression(Compression.NONE);
  }

  /** Records every offer; keeps the offered entries whose key {@code keep} accepts. */
  private static final class Recorder implements FifoDropListener {
    final List<Entry> offered = new CopyOnWriteArrayList<>();
    final Map<String, Boolean> recentlyRead = new ConcurrentHashMap<>();
    private final java.util.function.Predicate<String> keep;

    Recorder(java.util.function.Predicate<String> keep) {
      this.keep = keep;
    }

    @Override
    public void onDrop(Entry entry, boolean read, WriteBatch batch) {
      String k = new String(entry.key(), UTF_8);
      assertNull(recentlyRead.put(k, read), "key " + k + " offered twice");
      offered.add(entry);
      if (keep.test(k)) {
        batch.put(entry);
      }
    }

    List<String> keys() {
      List<String> out = new ArrayList<>();
      for (Entry e : offered) {
        out.add(new String(e.key(), UTF_8));
      }
      return out;
    }
  }

  /** What becomes of a key of the run that is dropped. */
  enum Fate {
    LIVE, LIVE_EXPIRING, EXPIRES_BEFORE_DROP, TOMBSTONE_IN_RUN, OVERWRITTEN_LATER, SHADOWED_BY_AN_EXPIRED_VALUE,
    DELETED_LATER
  }

  /**
   * A store with run 1 (the oldest, keys {@code a00000...}, every fate), run 2 (overwrites, expiring overwrites and
   * filler keys {@code b...}) and run 3 (deletes), closed; {@code budget} is the bytes of the three runs, so one more
   * small run drops run 1 and nothing else.
   */
  private final class Scenario {
    static final int KEYS = 600;
    static final int VALUE_BYTES = 100;
    final Fate[] fates = new Fate[KEYS];
    final byte[][] values = new byte[KEYS][];
    final long[] expiries = new long[KEYS];
    final byte[][] newer = new byte[KEYS][];
    long budget;
    long run1Entries;

    Scenario(long seed, Durability d, FifoDropListener l) {
      Random r = new Random(seed);
      Fate[] all = Fate.values();
      try (Store s = Store.open(dir, fifo(Long.MAX_VALUE, d, l))) {
        for (int i = 0; i < KEYS; i++) {
          double x = r.nextDouble();
          fates[i] = x < 0.45 ? Fate.LIVE : x < 0.7 ? Fate.LIVE_EXPIRING : all[2 + r.nextInt(all.length - 2)];
          values[i] = new byte[VALUE_BYTES];
          r.nextBytes(values[i]);
          byte[] k = b(key('a', i));
          switch (fates[i]) {
            case LIVE_EXPIRING -> expiries[i] = now.get() + 1_000_000_000L;
            case EXPIRES_BEFORE_DROP -> expiries[i] = now.get() + 500;
            default -> expiries[i] = Entry.NO_EXPIRY;
          }
          s.write(new WriteBatch().put(new Entry(k, values[i], expiries[i])));
          if (fates[i] == Fate.TOMBSTONE_IN_RUN) {
            s.delete(k);
          }
        }
        s.flush();
        run1Entries = s.statistics().levels().get(0).entries();
        for (int i = 0; i < KEYS; i++) {
          if (fates[i] == Fate.OVERWRITTEN_LATER || fates[i] == Fate.SHADOWED_BY_AN_EXPIRED_VALUE) {
            newer[i] = new byte[VALUE_BYTES];
            r.nextBytes(newer[i]);
            long at = fates[i] == Fate.OVERWRITTEN_LATER ? Entry.NO_EXPIRY : now.get() + 500;
            s.write(new WriteBatch().put(new Entry(b(key('a', i)), newer[i], at)));
          }
        }
        for (int i = 0; i < 100; i++) {
          s.put(b(key('b', i)), b("filler " + i));
        }
        s.flush();
        for (int i = 0; i < KEYS; i++) {
          if (fates[i] == Fate.DELETED_LATER) {
            s.delete(b(key('a', i)));
          }
        }
        s.flush();
        budget = s.statistics().tables().bytes();
        assertEquals(0, s.statistics().fifo().droppedEntries(), "nothing is dropped under an unbounded budget");
      }
    }

    /** Writes a small run, which puts the store over its budget by less than run 1, and waits for the drop. */
    void trigger(Store s) {
      for (int i = 0; i < 20; i++) {
        s.put(b(key('z', i)), b("trigger " + i));
      }
      s.flush();
      s.compact();
      assertEquals(run1Entries, s.statistics().fifo().droppedEntries(), "run 1 and only run 1 is dropped");
    }

    int liveKeys() {
      int n = 0;
      for (Fate f : fates) {
        n += f == Fate.LIVE || f == Fate.LIVE_EXPIRING ? 1 : 0;
      }
      return n;
    }

    /**
     * The keys run 1 offers, in order, when the listener keeps those {@code keep} accepts: the live ones whose newest
     * version is in run 1, minus those the keep cap passes over (every entry after what was kept passed half of the key
     * and value bytes run 1 holds).
     */
    List<String> offers(IntPredicate keep) {
      long held = 0;
      for (int i = 0; i < KEYS; i++) {
        boolean tombstone = fates[i] == Fate.TOMBSTONE_IN_RUN;
        held += key('a', i).length() + (tombstone ? 0 : VALUE_BYTES + (expiries[i] == Entry.NO_EXPIRY ? 0 : 8));
      }
      long cap = held / FifoDrop.KEPT_SHARE;
      List<String> out = new ArrayList<>();
      long kept = 0;
      for (int i = 0; i < KEYS; i++) {
        String k = key('a', i);
        boolean live = fates[i] == Fate.LIVE || fates[i] == Fate.LIVE_EXPIRING;
        if (!live || kept > cap) {
          continue;
        }
        out.add(k);
        if (keep.test(i)) {
          kept += k.length() + VALUE_BYTES;
        }
      }
      return out;
    }

    /** Checks every key of run 1 after the drop: kept ones with value and expiry, newer versions, the rest gone. */
    void checkAfterDrop(Store s, Set<String> kept, String when) {
      for (int i = 0; i < KEYS; i++) {
        String k = key('a', i);
        Entry e = s.getEntry(b(k));
        String what = "key " + k + " (" + fates[i] + ") " + when;
        if (kept.contains(k)) {
          assertNotNull(e, what + " was kept");
          assertArrayEquals(values[i], e.value(), what);
          assertEquals(expiries[i], e.expireAtMillis(), what + ": its expiry is kept");
        } else if (fates[i] == Fate.OVERWRITTEN_LATER) {
          assertNotNull(e, what);
          assertArrayEquals(newer[i], e.value(), what + " reads its newer value");
        } else {
          assertNull(e, what + " is gone");
        }
      }
      for (int i = 0; i < 100; i++) {
        assertArrayEquals(b("filler " + i), s.get(b(key('b', i))), "newer runs stay " + when);
      }
    }
  }

  enum Keep {
    NOTHING(i -> false), A_QUARTER(i -> i % 4 == 0), EVERYTHING(i -> true);

    final IntPredicate rule;

    Keep(IntPredicate rule) {
      this.rule = rule;
    }
  }

  static Stream<Arguments> durabilitiesAndKeeps() {
    List<Arguments> out = new ArrayList<>();
    for (Durability d : Durability.values()) {
      for (Keep k : Keep.values()) {
        out.add(Arguments.of(d, k));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}, keep {1}")
  @MethodSource("durabilitiesAndKeeps")
  void offersExactlyTheLiveNewestEntriesAndWhatIsKeptSurvivesADropAndAReopen(Durability d, Keep keep) {
    long seed = TestSeeds.seed("FifoDropListenerTest " + d + " " + keep);
    Recorder listener = new Recorder(k -> keep.rule.test(Integer.parseInt(k.substring(1))));
    Scenario sc = new Scenario(seed, d, listener);
    now.addAndGet(1000);
    List<String> expected = sc.offers(keep.rule);
    Set<String> kept = new HashSet<>();
    for (String k : expected) {
      if (keep.rule.test(Integer.parseInt(k.substring(1)))) {
        kept.add(k);
      }
    }
    try (Store s = Store.open(dir, fifo(sc.budget, d, listener))) {
      sc.trigger(s);
      assertEquals(expected, listener.keys(), "offered: run 1's live newest versions, in key order");
      for (Entry e : listener.offered) {
        int i = Integer.parseInt(new String(e.key(), UTF_8).substring(1));
        assertArrayEquals(sc.values[i], e.value(), "offered value of " + key('a', i));
        assertEquals(sc.expiries[i], e.expireAtMillis(), "offered expiry of " + key('a', i));
        assertFalse(listener.recentlyRead.get(key('a', i)), "nothing was read since the store opened");
      }
      assertEquals(kept.size(), s.statistics().fifo().keptEntries(), "kept entries");
      if (keep == Keep.EVERYTHING) {
        assertTrue(expected.size() < sc.liveKeys() * 0.8, "the keep cap passed over live entries: "
            + expected.size() + " of " + sc.liveKeys() + " offered");
      }
      sc.checkAfterDrop(s, kept, "after the drop");
    }
    try (Store s = Store.open(dir, fifo(Long.MAX_VALUE, d, listener))) {
      sc.checkAfterDrop(s, kept, "after a reopen");
    }
  }

  @Test
  void recentlyReadIsTrueForKeysReadSinceOpenAndRarelyForOthers() {
    long seed = TestSeeds.seed("FifoDropListenerTest recentlyRead");
    Recorder listener = new Recorder(k -> false);
    Scenario sc = new Scenario(seed, Durability.BUFFERED, listener);
    try (Store s = Store.open(dir, fifo(Long.MAX_VALUE, Durability.BUFFERED, listener))) {
      for (int i = 0; i < Scenario.KEYS; i++) {
        s.get(b(key('a', i)));
      }
    }
    Random r = new Random(seed);
    Set<String> read = new HashSet<>();
    try (Store s = Store.open(dir, fifo(sc.budget, Durability.BUFFERED, listener))) {
      try (Cursor c = s.scan(null, null)) {
        c.forEachRemaining(e -> { });
      }
      for (int i = 0; i < Scenario.KEYS; i++) {
        if ((sc.fates[i] == Fate.LIVE || sc.fates[i] == Fate.LIVE_EXPIRING) && r.nextInt(5) == 0) {
          String k = key('a', i);
          assertNotNull(r.nextBoolean() ? s.get(b(k)) : s.getEntry(b(k)), k);
          read.add(k);
        }
      }
      now.addAndGet(1000);
      sc.trigger(s);
    }
    assertEquals(sc.offers(i -> false).size(), listener.offered.size());
    int unread = 0;
    int falsePositives = 0;
    for (Map.Entry<String, Boolean> e : listener.recentlyRead.entrySet()) {
      if (read.contains(e.getKey())) {
        assertTrue(e.getValue(), e.getKey() + " was read since the store opened");
      } else {
        unread++;
        falsePositives += e.getValue() ? 1 : 0;
      }
    }
    assertTrue(read.size() > 20 && unread > 100, "read " + read.size() + ", unread " + unread);
    assertTrue(falsePositives < unread / 10, falsePositives + " of " + unread + " keys not read since the store"
        + " opened (scanned, or read before a reopen) answer recently read");
  }

  /**
   * Keys read from two small runs before FIFO merges them are still recently read in the merged run, and keys read
   * from the merged run are too.
   */
  @Test
  void readsCarryThroughMerges() throws InterruptedException {
    Recorder listener = new Recorder(k -> false);
    Options o = fifo(1 << 20, Durability.BUFFERED, listener).fifoMergeWidth(2).memtableBytes(4 << 20);
    Set<String> read = new HashSet<>();
    try (Store s = Store.open(dir, o)) {
      for (int i = 0; i < 100; i++) {
        s.put(b(key('a', i)), new byte[100]);
      }
      s.flush();
      for (int i = 0; i < 100; i += 5) {
        assertNotNull(s.get(b(key('a', i))));
        read.add(key('a', i));
      }
      for (int i = 100; i < 200; i++) {
        s.put(b(key('a', i)), new byte[100]);
      }
      s.flush();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (s.statistics().levels().get(0).runs() != 1) {
        assertTrue(System.nanoTime() < deadline, "the two runs were never merged: " + s.statistics());
        Thread.sleep(10);
      }
      for (int i = 2; i < 200; i += 10) {
        assertNotNull(s.get(b(key('a', i))));
        read.add(key('a', i));
      }
      // One run larger than the whole budget: the merged run goes first, then this one.
      for (int i = 0; i < 12_000; i++) {
        s.put(b(key('z', i)), new byte[100]);
      }
      s.flush();
      s.compact();
    }
    int unread = 0;
    int falsePositives = 0;
    for (int i = 0; i < 200; i++) {
      String k = key('a', i);
      Boolean answer = listener.recentlyRead.get(k);
      assertNotNull(answer, k + " was offered");
      if (read.contains(k)) {
        assertTrue(answer, k + " was read");
      } else {
        unread++;
        falsePositives += answer ? 1 : 0;
      }
    }
    assertTrue(falsePositives < unread / 10, falsePositives + " of " + unread);
  }

  /** Under SYNC the kept writes of one drop (several batches of them) are forced once, and survive a power loss. */
  @Test
  void syncForcesTheLogOncePerDropAndKeptEntriesSurvivePowerLoss() throws Exception {
    FaultInjectionFileSystem fs = new FaultInjectionFileSystem();
    Recorder listener = new Recorder(k -> true);
    long memtableBytes = 256 * 1024;
    Options o = fifo(Long.MAX_VALUE, Durability.SYNC, listener).memtableBytes(memtableBytes).fileSystem(fs);
    int run1;
    long budget;
    try (Store s = Store.open(dir, o)) {
      int i = 0;
      while (s.statistics().memtable().bytes() < memtableBytes * 9 / 10) {
        s.put(b(key('a', i)), value(i));
        i++;
      }
      run1 = i;
      s.flush();
      for (int j = 0; j < 50; j++) {
        s.put(b(key('b', j)), value(j));
      }
      s.flush();
      budget = s.statistics().tables().bytes();
    }
    Store s = Store.open(dir, fifo(budget, Durability.SYNC, listener).memtableBytes(memtableBytes).fileSystem(fs));
    long before = s.statistics().writes().walSyncs();
    for (int j = 0; j < 10; j++) {
      s.put(b(key('z', j)), value(j));
    }
    long afterPuts = s.statistics().writes().walSyncs();
    assertEquals(10, afterPuts - before, "each SYNC write forces the log once");
    s.flush();
    StoreStatistics st = awaitDropped(s, run1);
    long kept = st.fifo().keptEntries();
    assertTrue(kept * value(0).length > memtableBytes / 4, "more than one batch was kept: " + kept + " entries");
    assertEquals(1, st.writes().walSyncs() - afterPuts, "one force for the whole drop");

    fs.freeze();
    try {
      s.close();
    } catch (StoreException expected) {
      // Closing files on a stopped machine fails; the process is as good as dead.
    }
    fs.powerLoss();
    try (Store again = Store.open(dir, fifo(Long.MAX_VALUE, Durability.SYNC, listener))) {
      int found = 0;
      for (Entry e : listener.offered) {
        String k = new String(e.key(), UTF_8);
        assertArrayEquals(e.value(), again.get(e.key()), "kept " + k + " after a power loss");
        found++;
      }
      assertEquals(kept, found);
    }
  }

  /** Waits until the drops took {@code entries} entries (a drop's tables go only after its kept writes). */
  private static StoreStatistics awaitDropped(Store s, long entries) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    StoreStatistics st;
    while ((st = s.statistics()).fifo().droppedEntries() < entries) {
      assertTrue(System.nanoTime() < deadline, "no drop: " + st);
      Thread.sleep(10);
    }
    assertEquals(entries, st.fifo().droppedEntries(), "dropped entries");
    return st;
  }

  private static byte[] value(int i) {
    byte[] v = new byte[200];
    Arrays.fill(v, (byte) i);
    return v;
  }

  /**
   * A listener that keeps everything it is offered, over more data than the budget: the store still settles (no
   * drop re-triggers itself), each flush costs at most a drop, and the tables stay within the budget.
   */
  @Test
  void keepingEverythingDoesNotLoop() throws Exception {
    LossRecorder listener = new LossRecorder(k -> true);
    long budget = 256 * 1024;
    Options o = fifo(budget, Durability.BUFFERED, listener).memtableBytes(64 * 1024);
    try (Store s = Store.open(dir, o)) {
      for (int i = 0; i < 10_000; i++) {
        s.put(b(key('a', i)), new byte[100]);
      }
      s.flush();
      StoreStatistics settled = awaitQuiet(s);
      assertTrue(settled.fifo().keptEntries() > 0, settled.toString());
      // Equal-sized entries: each drop keeps about half of what it deletes (one entry more at most).
      assertTrue(settled.fifo().keptEntries() <= settled.fifo().droppedEntries() / 2 + settled.compact().count(),
          "kept at most half: " + settled);
      assertTrue(settled.compact().count() <= settled.flush().count(), "at most one drop per flush: " + settled);
      for (int round = 0; round < 20; round++) {
        StoreStatistics before = s.statistics();
        s.flush();
        s.compact();
        StoreStatistics after = awaitQuiet(s);
        assertTrue(after.compact().count() - before.compact().count() <= 2 * (after.flush().count() - before.flush().count()) + 1,
            "round " + round + ": " + before + "\n" + after);
        assertTrue(after.tables().bytes() <= budget, "round " + round + ": " + after);
      }
      // What the cap kept the drops from keeping was discarded, each key once, and only that is missing.
      assertTrue(listener.discarded > 0, listener.describe());
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) {
        keys.add(key('a', i));
      }
      listener.check(keys, k -> s.get(b(k)));
      assertEquals(0, listener.abandonedDrops, listener.describe());
    }
  }

  /** Waits until flushes, compactions and kept entries stop changing (fails after 30 s: a drop loop). */
  private static StoreStatistics awaitQuiet(Store s) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    StoreStatistics last = s.statistics();
    int quiet = 0;
    while (quiet < 5) {
      if (System.nanoTime() > deadline) {
        fail("the store never settled: " + last);
      }
      Thread.sleep(50);
      StoreStatistics st = s.statistics();
      boolean same = st.flush().count() == last.flush().count() && st.compact().count() == last.compact().count()
          && st.fifo().keptEntries() == last.fifo().keptEntries();
      quiet = same ? quiet + 1 : 0;
      last = st;
    }
    return last;
  }

  @Test
  void readsNeverWrite() {
    Recorder listener = new Recorder(k -> true);
    Options o = fifo(Long.MAX_VALUE, Durability.SYNC, listener).memtableBytes(64 * 1024);
    try (Store s = Store.open(dir, o)) {
      WriteBatch batch = new WriteBatch();
      for (int i = 0; i < 3000; i++) {
        batch.put(b(key('a', i)), new byte[50]);
        if (i % 500 == 499) {
          s.write(batch);
          s.flush();
          batch = new WriteBatch();
        }
      }
      s.put(b("in the memtable"), b("x"));
      StoreStatistics before = s.statistics();
      for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 3000; i++) {
          assertNotNull(round == 0 ? s.get(b(key('a', i))) : s.getEntry(b(key('a', i))));
        }
        assertNotNull(s.get(b("in the memtable")));
      }
      StoreStatistics after = s.statistics();
      assertEquals(before.writes().userBytes(), after.writes().userBytes());
      assertEquals(before.writes().walBytes(), after.writes().walBytes());
      assertEquals(before.writes().walSyncs(), after.writes().walSyncs());
      assertEquals(before.flush().count(), after.flush().count());
      assertEquals(before.memtable().bytes(), after.memtable().bytes());
    }
  }

  /**
   * One writer overwrites and deletes keys while a listener that keeps everything makes drops rewrite old versions:
   * afterwards (and during) every key reads its last written value or nothing (dropped), never an older value, and a
   * deleted key never comes back. {@code -Dcairn.fifo.race.ops} (default 60000).
   */
  @Test
  void writesRacingDropsNeverLoseToAKeptOldValue() throws Exception {
    long seed = TestSeeds.seed("FifoDropListenerTest race");
    Random r = new Random(seed);
    int ops = Integer.getInteger("cairn.fifo.race.ops", 60_000);
    int keys = 3000;
    FifoDropListener listener = (entry, read, keep) -> keep.put(entry);
    Options o = fifo(128 * 1024, Durability.BUFFERED, listener).memtableBytes(32 * 1024);
    String[] last = new String[keys];
    Map<Integer, Integer> version = new HashMap<>();
    try (Store s = Store.open(dir, o)) {
      for (int op = 0; op < ops; op++) {
        int k = r.nextInt(keys);
        if (r.nextInt(10) == 0) {
          s.delete(b(key('k', k)));
          last[k] = null;
        } else {
          int v = version.merge(k, 1, Integer::sum);
          last[k] = "v" + v + " " + "x".repeat(r.nextInt(60));
          s.put(b(key('k', k)), b(last[k]));
        }
        if (op % 7 == 0) {
          int q = r.nextInt(keys);
          checkRead(s, q, last[q]);
        }
      }
      s.flush();
      awaitQuiet(s);
      assertTrue(s.statistics().fifo().keptEntries() > 0, "drops kept entries: " + s.statistics());
      for (int k = 0; k < keys; k++) {
        checkRead(s, k, last[k]);
      }
    }
    try (Store s = Store.open(dir, fifo(Long.MAX_VALUE, Durability.BUFFERED, listener))) {
      for (int k = 0; k < keys; k++) {
        checkRead(s, k, last[k]);
      }
    }
  }

  private static void checkRead(Store s, int k, String last) {
    byte[] v = s.get(b(key('k', k)));
    if (v != null) {
      assertEquals(last, new String(v, UTF_8), "key " + key('k', k) + " reads an old value");
    }
  }

  @Test
  void theListenerMayNotCompactAndAFailingListenerNamesTheKeyAndStopsWrites() throws Exception {
    List<Throwable> fromCompact = new CopyOnWriteArrayList<>();
    Store[] self = new Store[1];
    FifoDropListener compacting = (e, read, keep) -> {
      try {
        self[0].compact();
      } catch (IllegalStateException expected) {
        fromCompact.add(expected);
      }
    };
    Scenario sc = new Scenario(1, Durability.BUFFERED, compacting);
    now.addAndGet(1000);
    try (Store s = Store.open(dir, fifo(sc.budget, Durability.BUFFERED, compacting))) {
      self[0] = s;
      sc.trigger(s);
      assertFalse(fromCompact.isEmpty());
      assertTrue(fromCompact.get(0).getMessage().contains("FIFO drop listener"), fromCompact.get(0).getMessage());
    }

    Path other = dir.resolve("failing");
    FifoDropListener failing = (e, read, keep) -> {
      throw new IllegalStateException("listener bug");
    };
    Options o = fifo(1, Durability.BUFFERED, failing);
    try (Store s = Store.open(other, o)) {
      s.put(b("k1"), b("v1"));
      s.flush();
      StoreException e = assertThrows(StoreException.class, () -> {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
          s.put(b("more"), b("writes"));
          Thread.sleep(10);
        }
      });
      assertTrue(e.getMessage().contains("FIFO drop listener failed on key k1"), e.getMessage());
      assertArrayEquals(b("v1"), s.get(b("k1")), "the table was not dropped");
    }
  }
}
