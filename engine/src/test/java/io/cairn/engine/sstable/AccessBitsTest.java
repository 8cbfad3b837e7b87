package io.cairn.engine.sstable;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.TestSeeds;
import io.cairn.engine.bloom.BloomFilter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AccessBitsTest {
  private static long hash(String key) {
    byte[] b = key.getBytes(UTF_8);
    return BloomFilter.hash(b, 0, b.length);
  }

  /** Every marked key reads as read; unmarked keys rarely do, at the rates the documentation gives. */
  @Test
  void marksAreNeverLostAndFalsePositivesStayNearTheDocumentedRates() {
    Random r = new Random(TestSeeds.seed("AccessBitsTest"));
    int entries = 100_000;
    for (double share : new double[] {0.1, 0.25, 0.5}) {
      AccessBits bits = AccessBits.forEntries(entries);
      boolean[] read = new boolean[entries];
      for (int i = 0; i < entries; i++) {
        if (r.nextDouble() < share) {
          read[i] = true;
          bits.markRead(hash("k" + i));
        }
      }
      int unread = 0;
      int falsePositives = 0;
      for (int i = 0; i < entries; i++) {
        boolean answer = bits.wasRead(hash("k" + i));
        if (read[i]) {
          assertTrue(answer, "key k" + i + " was marked");
        } else {
          unread++;
          falsePositives += answer ? 1 : 0;
        }
      }
      double rate = (double) falsePositives / unread;
      // A two-probe filter at two bits per key: (1 - e^(-share))^2, plus a little for the one-word blocking.
      double theory = Math.pow(1 - Math.exp(-share), 2);
      assertTrue(rate < theory * 1.3 + 0.002, "false-positive rate " + rate + " with " + share + " of the keys read"
          + " (theory " + theory + ")");
    }
  }

  @Test
  void marksAreIdempotentAndUntrackedBitsHoldNothing() {
    AccessBits one = AccessBits.forEntries(1);
    assertFalse(one.wasRead(hash("a")));
    one.markRead(hash("a"));
    one.markRead(hash("a"));
    assertTrue(one.wasRead(hash("a")));

    AccessBits.UNTRACKED.markRead(hash("a"));
    assertFalse(AccessBits.UNTRACKED.wasRead(hash("a")), "untracked tables never answer read");
  }
}
