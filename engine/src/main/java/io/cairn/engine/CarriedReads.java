package io.cairn.engine;

import io.cairn.engine.bloom.BloomFilter;
import io.cairn.engine.sstable.AccessBits;
import java.util.Arrays;
import java.util.List;

/**
 * Carries point-read marks through a merge, so merging young FIFO runs does not forget what was read from them: an
 * entry the merge writes whose key any input table marked read is marked read in the output table. A read that
 * lands on an input after the merge passed its key is lost (its table is about to go); a key read from an input in
 * an older version only (since shadowed) is carried too, which errs towards keeping.
 *
 * <p>With no input tracking reads, {@link #note} does nothing. Not thread-safe: one merge, one thread.
 */
final class CarriedReads {
  private final AccessBits[] inputs;
  private long[] hashes = new long[16];
  private int count;

  /** @param inputs the access bits of the merge's input tables; empty when the store tracks no reads */
  CarriedReads(List<AccessBits> inputs) {
    this.inputs = inputs.toArray(new AccessBits[0]);
  }

  /** Notes an entry the merge wrote to the current output, if an input marked its key read. */
  void note(byte[] userKey) {
    if (inputs.length == 0) {
      return;
    }
    long hash = BloomFilter.hash(userKey, 0, userKey.length);
    for (AccessBits in : inputs) {
      if (in.wasRead(hash)) {
        if (count == hashes.length) {
          hashes = Arrays.copyOf(hashes, count * 2);
        }
        hashes[count++] = hash;
        return;
      }
    }
  }

  /** Whether the current output has keys to mark. */
  boolean any() {
    return count > 0;
  }

  /** Marks the noted keys in {@code output}, the table just finished, and starts over for the next output. */
  void moveTo(AccessBits output) {
    for (int i = 0; i < count; i++) {
      output.markRead(hashes[i]);
    }
    count = 0;
  }
}
