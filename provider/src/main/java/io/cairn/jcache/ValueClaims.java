package io.cairn.jcache;

/**
 * Keeps values unique within a cache, for bidirectional caches ({@link BidiClaims}); {@link #NONE} for plain caches,
 * whose calls do nothing and whose heap entries are plain {@link Holder}s with no bidi fields.
 *
 * <p>{@link TierStore} calls it at fixed points of each step, always under the key's lock: a write {@link #claim}s
 * its value before it lands below, then {@link #committed} (or {@link #aborted} if the write below failed) before the
 * holder takes the new value; a holder leaving the heap tier for good is {@link #released}; one the heap evicts is
 * {@link #evicting} before it is written below and {@link #evicted} after.
 *
 * @param <K> key type
 * @param <V> value type
 */
interface ValueClaims<K, V> {
  /** A new heap holder for {@code key}, whose value {@code value} (null: not known yet) is kept as {@code form}. */
  Holder<V> newHolder(Object key, Object form, V value, long expireAt);

  /** With a writer: fails early, before the writer sees the write, if a live entry of another key holds the value. */
  void checkUnique(K key, V value);

  /**
   * Before a putAll: refuses, changing nothing, entries that give one value to two keys or a value another key holds
   * ({@code replace}: existing entries are replaced; {@code contains} tells whether a key has a live entry).
   */
  void checkPutAll(java.util.Map<? extends K, ? extends V> entries, boolean replace,
      java.util.function.Predicate<K> contains);

  /** Claims {@code value} for {@code key}, whose holder is {@code h} ({@code fresh}: new, not yet in the map). */
  void claim(K key, Holder<V> h, boolean fresh, V value, java.util.function.LongSupplier now);

  /** The write below failed after {@link #claim}: gives back what the claim took. */
  void aborted(Holder<V> h);

  /** The write below landed: the holder now holds the claimed value; the claim on its previous value is released. */
  void committed(Holder<V> h);

  /** An entry read from below becomes the key's heap holder. */
  void adopted(K key, Holder<V> h, java.util.function.LongSupplier now);

  /** The holder's entry leaves the cache (removed, expired, cleared): its claim is released. */
  void released(Holder<V> h);

  /** The holder's expiry changed to {@code expireAt} (its value did not). */
  void reexpired(Holder<V> h, long expireAt);

  /** The heap is about to write {@code h} below and let it go. */
  void evicting(Holder<V> h);

  /** {@code h} is below now, and leaves the heap. */
  void evicted(Holder<V> h);

  /** What the tier below holds as {@code h}'s value, where the tier needs it to delete an inverse record; else null. */
  byte[] lowerValue(Holder<V> h);

  /** The tier below now holds {@code bytes} as {@code h}'s value (null: nothing). */
  void wroteBelow(Holder<V> h, byte[] bytes);

  /** A plain cache's claims: none. */
  @SuppressWarnings("rawtypes")
  ValueClaims NONE = new ValueClaims() {
    @Override
    public Holder newHolder(Object key, Object form, Object value, long expireAt) {
      return new Holder<>(key, form, expireAt);
    }

    @Override
    public void checkUnique(Object key, Object value) {}

    @Override
    public void checkPutAll(java.util.Map entries, boolean replace, java.util.function.Predicate contains) {}

    @Override
    public void claim(Object key, Holder h, boolean fresh, Object value, java.util.function.LongSupplier now) {}

    @Override
    public void aborted(Holder h) {}

    @Override
    public void committed(Holder h) {}

    @Override
    public void adopted(Object key, Holder h, java.util.function.LongSupplier now) {}

    @Override
    public void released(Holder h) {}

    @Override
    public void reexpired(Holder h, long expireAt) {}

    @Override
    public void evicting(Holder h) {}

    @Override
    public void evicted(Holder h) {}

    @Override
    public byte[] lowerValue(Holder h) {
      return null;
    }

    @Override
    public void wroteBelow(Holder h, byte[] bytes) {}
  };

  @SuppressWarnings("unchecked")
  static <K, V> ValueClaims<K, V> none() {
    return NONE;
  }
}
