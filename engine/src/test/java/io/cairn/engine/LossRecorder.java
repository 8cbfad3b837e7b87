package io.cairn.engine;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A FIFO drop listener that keeps the entries {@code keep} accepts and counts every other live entry a drop deletes
 * (offered and not kept, or discarded) as gone, once the drop's tables left the store: what a cache tells its loss
 * listeners. {@link #check} holds the store to it: a key is missing exactly when it was heard gone, once.
 */
final class LossRecorder implements FifoDropListener {
  private final Predicate<String> keep;
  /** The current drop's entries not kept; drops run one at a time, under the store's compaction lock. */
  private final List<String> pending = new ArrayList<>();
  final Map<String, Integer> gone = new ConcurrentHashMap<>();
  volatile int deletedDrops;
  volatile int abandonedDrops;
  volatile long discarded;
  volatile int discardedMemtables;

  LossRecorder(Predicate<String> keep) {
    this.keep = keep;
  }

  @Override
  public void onDrop(Entry entry, boolean recentlyRead, WriteBatch batch) {
    String k = new String(entry.key(), UTF_8);
    if (keep.test(k)) {
      batch.put(entry);
    } else {
      pending.add(k);
    }
  }

  @Override
  public void onDiscard(byte[] key) {
    discarded++;
    pending.add(new String(key, UTF_8));
  }

  /** A memtable given up is not part of a drop: its keys are gone at once, and the current drop's stay pending. */
  @Override
  public void onMemtableDiscarded(List<byte[]> keys) {
    discardedMemtables++;
    for (byte[] k : keys) {
      gone.merge(new String(k, UTF_8), 1, Integer::sum);
    }
  }

  @Override
  public void onDropEnd(boolean deleted) {
    if (deleted) {
      deletedDrops++;
      for (String k : pending) {
        gone.merge(k, 1, Integer::sum);
      }
    } else {
      abandonedDrops++;
    }
    pending.clear();
  }

  /**
   * Asserts that each of {@code keys} reads back ({@code get} non-null) exactly when it was never heard gone, and that
   * none was heard gone twice (each key was written once).
   */
  void check(Iterable<String> keys, java.util.function.Function<String, byte[]> get) {
    for (String k : keys) {
      byte[] v = get.apply(k);
      Integer n = gone.get(k);
      if (v == null) {
        assertEquals(1, n == null ? 0 : n, "key " + k + " is missing: heard gone this many times");
      } else {
        assertNull(n, "key " + k + " was heard gone but reads back");
      }
    }
  }

  /** A label for assertion messages. */
  Supplier<String> describe() {
    return () -> "drops deleted " + deletedDrops + ", abandoned " + abandonedDrops + ", entries discarded "
        + discarded + ", memtables given up " + discardedMemtables + ", keys gone " + gone.size();
  }
}
