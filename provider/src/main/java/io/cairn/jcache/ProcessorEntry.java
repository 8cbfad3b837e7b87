package io.cairn.jcache;

/**
 * The entry an entry processor works on: it records what the processor did ({@link Action}) and the tier store
 * applies that once the processor returns, under the key's lock (Caffeine's jcache module has the same shape).
 * Reads copy out the kept form; a read of an absent entry in a read-through cache loads it.
 *
 * <p>Not thread-safe: it lives for one processor call on one thread.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class ProcessorEntry<K, V> implements CairnMutableEntry<K, V> {
  /** What an entry processor did to its entry. */
  enum Action { NONE, ACCESS, LOAD, CREATE, UPDATE, REMOVE }

  /** An expiry the processor did not set. */
  static final long UNSET = Long.MIN_VALUE;

  private final K key;
  private final Object originalForm;
  private final long originalExpiry;
  private final Copier<K, V> copier;
  private final LoaderWriter.Loader<K, V> loader;
  private final TypeCheck<K, V> check;
  private final String cacheName;
  private V value;
  private Action action = Action.NONE;
  private long expiry = UNSET;

  /** {@code originalForm} is the live entry's kept form, or null when there is none. */
  ProcessorEntry(K key, Object originalForm, long originalExpiry, Copier<K, V> copier,
      LoaderWriter.Loader<K, V> loader, TypeCheck<K, V> check, String cacheName) {
    this.key = key;
    this.originalForm = originalForm;
    this.originalExpiry = originalExpiry;
    this.copier = copier;
    this.loader = loader;
    this.check = check;
    this.cacheName = cacheName;
  }

  Action action() {
    return action;
  }

  /** The value the processor set or loaded. */
  V value() {
    return value;
  }

  /** The expiry the processor set, or {@link #UNSET}. */
  long expiry() {
    return expiry;
  }

  @Override
  public K getKey() {
    return key;
  }

  @Override
  public V getValue() {
    if (action == Action.NONE && originalForm != null) {
      value = copier.out(originalForm);
      action = Action.ACCESS;
    } else if (action == Action.NONE && loader.enabled()) {
      V loaded = loader.load(key);
      if (loaded != null) {
        check.value(loaded);
        value = loaded;
        action = Action.LOAD;
      }
    }
    return value;
  }

  @Override
  public boolean exists() {
    return action == Action.NONE || action == Action.ACCESS ? originalForm != null : value != null;
  }

  @Override
  public void remove() {
    value = null;
    expiry = UNSET;
    action = action == Action.CREATE || action == Action.LOAD
        ? (originalForm == null ? Action.NONE : Action.REMOVE) : Action.REMOVE;
  }

  @Override
  public void setValue(V v) {
    check.value(v);
    value = v;
    action = originalForm == null ? Action.CREATE : Action.UPDATE;
  }

  @Override
  public long getExpiry() {
    if (expiry != UNSET) {
      return expiry;
    }
    return originalForm != null && (action == Action.NONE || action == Action.ACCESS || action == Action.UPDATE)
        ? originalExpiry : CairnCache.NO_ENTRY;
  }

  @Override
  public void setExpiry(long expireAtMillis) {
    TieredCache.checkExpiry(expireAtMillis);
    if (!exists()) {
      throw new IllegalStateException("entry " + key + " of cache " + cacheName + " does not exist: set a value "
          + "before its expiry");
    }
    expiry = expireAtMillis;
  }

  @Override
  public <T> T unwrap(Class<T> clazz) {
    if (clazz.isInstance(this)) {
      return clazz.cast(this);
    }
    throw new IllegalArgumentException("an entry processor's entry cannot be unwrapped to " + clazz.getName());
  }
}
