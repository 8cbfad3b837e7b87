package io.cairn.jcache;

import java.util.ArrayList;
import java.util.List;
import javax.cache.Cache;
import javax.cache.event.EventType;

/**
 * The events of one operation: collected under the entries' locks, delivered by {@link #dispatch} after they are
 * released. Values arrive in the cache's kept form and are copied out as each event is made. An operation on a cache
 * with no listeners uses {@link #none}, which keeps nothing and allocates nothing. A remote cache also publishes them
 * to other processes ({@link SharedEvents}) while any listens. A step that runs again after losing a race to another
 * process first takes back what it recorded ({@link #mark}, {@link #rewind}).
 *
 * <p>Not thread-safe: one operation's thread owns it.
 *
 * @param <K> key type
 * @param <V> value type
 */
class PendingEvents<K, V> {
  private static final PendingEvents<?, ?> NONE = new PendingEvents<>(null, null, null, null) {
    @Override
    void add(EventType type, Object key, Object form, Object oldForm, boolean oldAvailable) {}

    @Override
    void dispatch() {}
  };

  private final Cache<K, V> source;
  private final Copier<K, V> copier;
  private final Listeners<K, V> listeners;
  /** Where a remote cache publishes its events for other processes; null for a local cache. */
  private final SharedEvents<K, V> shared;
  private List<CairnEntryEvent<K, V>> list;
  /**
   * The event types worth making, one bit per {@link EventType} ordinal: those local listeners receive, or all of
   * them while other processes listen. An operation makes no event nobody receives.
   */
  private final int wanted;

  PendingEvents(Cache<K, V> source, Copier<K, V> copier, Listeners<K, V> listeners, SharedEvents<K, V> shared) {
    this.source = source;
    this.copier = copier;
    this.listeners = listeners;
    this.shared = shared;
    this.wanted = listeners == null ? 0 : shared != null && shared.wanted() ? -1 : listeners.wantedTypes();
  }

  @SuppressWarnings("unchecked")
  static <K, V> PendingEvents<K, V> none() {
    return (PendingEvents<K, V>) NONE;
  }

  /** Events for an operation on {@code source}: a collector when listeners are registered, else {@link #none}. */
  static <K, V> PendingEvents<K, V> of(Cache<K, V> source, Copier<K, V> copier, Listeners<K, V> listeners,
      SharedEvents<K, V> shared) {
    return listeners.isEmpty() && (shared == null || !shared.wanted()) ? none()
        : new PendingEvents<>(source, copier, listeners, shared);
  }

  /**
   * Whether anyone receives a put's own events (CREATED, UPDATED), which need to know if there was an entry before.
   * False for {@link #none}.
   */
  final boolean wantsPutEvents() {
    return (wanted & (1 << EventType.CREATED.ordinal() | 1 << EventType.UPDATED.ordinal())) != 0;
  }

  /** How many events are recorded now, for {@link #rewind}. */
  final int mark() {
    return list == null ? 0 : list.size();
  }

  /** Forgets the events recorded since {@code mark}. */
  final void rewind(int mark) {
    if (list != null) {
      list.subList(mark, list.size()).clear();
    }
  }

  @SuppressWarnings("unchecked")
  void add(EventType type, Object key, Object form, Object oldForm, boolean oldAvailable) {
    if ((wanted & (1 << type.ordinal())) == 0) {
      return;
    }
    if (list == null) {
      list = new ArrayList<>(2);
    }
    list.add(new CairnEntryEvent<>(source, type, (K) key, form == null ? null : copier.out(form),
        oldForm == null ? null : copier.out(oldForm), oldAvailable));
  }

  final void created(Object key, Object form) {
    add(EventType.CREATED, key, form, null, false);
  }

  final void updated(Object key, Object form, Object oldForm) {
    add(EventType.UPDATED, key, form, oldForm, true);
  }

  final void removed(Object key, Object oldForm) {
    add(EventType.REMOVED, key, oldForm, oldForm, true);
  }

  final void expired(Object key, Object oldForm) {
    add(EventType.EXPIRED, key, oldForm, oldForm, true);
  }

  void dispatch() {
    if (list != null) {
      List<CairnEntryEvent<K, V>> l = list;
      list = null;
      if (shared != null) {
        shared.publish(l);
      }
      listeners.dispatch(l);
    }
  }
}
