package io.cairn.engine;

/**
 * Names a prefix of some keys so that tables can answer "may any key with this prefix be here?" from their bloom
 * filter, as they answer it for a single key. With an extractor in the {@link Options}, every table also hashes the
 * distinct prefixes of its keys into its filter, and {@link Store#scanPrefix} opens only the tables whose filter may
 * hold the prefix asked for, so a prefix that is absent costs about what a missing key costs.
 *
 * <p>The contract, which {@link Store#scanPrefix} relies on: if a key {@code k} has a prefix of {@code n} bytes, then
 * {@code p = k[0, n)} has a prefix of {@code n} bytes itself, and so does every key that starts with {@code p}. A key
 * with no prefix (outside the extractor's domain) gets -1 and enters the filter by its whole key only.
 *
 * <p>The {@link #name} is written into every table built with the extractor. A table built with another name, or with
 * none, is never skipped on a prefix, so changing the extractor of an existing store is safe; its old tables merely
 * stop being filtered until compaction rewrites them.
 */
public interface PrefixExtractor {

  /** A stable name for this extractor's rule (1 to 255 bytes of UTF-8); change it whenever the rule changes. */
  String name();

  /**
   * The length of the prefix of the key {@code key[0, length)} (the array may be longer), or -1 if it has none. Must
   * not throw for any key.
   */
  int prefixLength(byte[] key, int length);
}
