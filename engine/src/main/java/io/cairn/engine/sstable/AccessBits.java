package io.cairn.engine.sstable;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Which keys of one open table point reads have returned, for a FIFO store's drop listener: an in-memory bit set of
 * about two bits per entry, a key's two bits chosen by its bloom hash within one 64-bit word. It is a one-block bloom
 * filter of the keys read, so a key never read answers "read" with the false-positive rate of a two-probe filter at
 * two bits per key: about 1% when a tenth of the table's keys were read, 5% at a quarter, 15% at half. A false
 * positive keeps a cold entry one more round; a read is never forgotten.
 *
 * <p>Memory only: a table opened again (after a reopen of the store) starts with no key read. A store without a drop
 * listener gives its tables {@link #UNTRACKED}, which holds no bits, ignores marks and answers "not read".
 *
 * <p>Thread-safe without a lock: a reader checks its bits with an opaque read and sets them with an atomic OR only
 * when one is missing, so keys read again and again only read the word (no cache-line ping-pong between cores), and
 * two first reads of keys sharing a word both keep their bits.
 */
public final class AccessBits {
  /** Bits per entry of the table; a power of two is not needed (the word is picked by multiply-shift). */
  static final int BITS_PER_ENTRY = 2;

  /** The bits of a table whose store tracks no reads. */
  public static final AccessBits UNTRACKED = new AccessBits(0);

  private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] words;

  private AccessBits(int words) {
    this.words = new long[words];
  }

  /** Bits for a table of {@code entries} entries (at least one word). */
  public static AccessBits forEntries(long entries) {
    long bits = Math.max(64, entries * BITS_PER_ENTRY);
    long words = (bits + 63) / 64;
    if (words > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a table of " + entries + " entries is too large for its access bits");
    }
    return new AccessBits((int) words);
  }

  /** Records that a point read returned the key whose {@code BloomFilter.hash} is {@code hash}. */
  public void markRead(long hash) {
    int n = words.length;
    if (n == 0) {
      return;
    }
    int i = word(hash, n);
    long mask = mask(hash);
    if (((long) WORDS.getOpaque(words, i) & mask) != mask) {
      WORDS.getAndBitwiseOr(words, i, mask);
    }
  }

  /** Whether the key whose hash is {@code hash} was read since the table was opened (or is a false positive). */
  public boolean wasRead(long hash) {
    int n = words.length;
    if (n == 0) {
      return false;
    }
    long mask = mask(hash);
    return ((long) WORDS.getOpaque(words, word(hash, n)) & mask) == mask;
  }

  /** The word of {@code hash}: its high 32 bits scaled to {@code [0, n)}. */
  private static int word(long hash, int n) {
    return (int) (((hash >>> 32) * n) >>> 32);
  }

  /** Two bits of a word, from the low bits of {@code hash} (the word came from the high ones). */
  private static long mask(long hash) {
    return (1L << (hash & 63)) | (1L << ((hash >>> 6) & 63));
  }
}
