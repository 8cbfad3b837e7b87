package io.cairn.jcache;

import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;

/**
 * An entry processor's step under its key's lock: runs the processor on a {@link ProcessorEntry}, then turns what it
 * did ({@link ProcessorEntry.Action}, and an expiry it set) into the entry's new state with the tier store's moves,
 * its events and its statistics. The processor's result is the step's {@code result}.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <T> the processor's result type
 */
final class ProcessorStep<K, V, T> extends TierStore<K, V>.Step {
  private final TierStore<K, V> store;
  private final EntryProcessor<K, V, T> processor;
  private final Object[] arguments;
  private final long start;

  ProcessorStep(TierStore<K, V> store, EntryProcessor<K, V, T> processor, Object[] arguments,
      PendingEvents<K, V> events) {
    store.super(events);
    this.store = store;
    this.processor = processor;
    this.arguments = arguments;
    this.start = store.stats.start();
  }

  @Override
  Holder<V> run(K k, Holder<V> h) {
    Holder<V> cur = store.resolve(k, h);
    Holder<V> expired = null;
    if (cur != null && expired(cur)) {
      expired = cur;
      cur = null;
    }
    store.stats.recordGet(cur != null, start);
    ProcessorEntry<K, V> entry = new ProcessorEntry<>(k, cur == null ? null : cur.form,
        cur == null ? CairnCache.NO_ENTRY : cur.expireAt, store.copier, store.loader, store.check, store.name);
    try {
      result = processor.process(entry, arguments);
    } catch (EntryProcessorException e) {
      throw e;
    } catch (Exception e) {
      throw new EntryProcessorException("entry processor on key " + k + " of cache " + store.name + " failed: " + e,
          e);
    }
    if (expired != null) {
      events.expired(k, expired.form);
      store.drop(k, expired);
      return apply(k, null, null, entry);
    }
    return apply(k, h, cur, entry);
  }

  /** Turns what the processor did into the entry's new state; {@code h} is null once an expired one was dropped. */
  private Holder<V> apply(K k, Holder<V> h, Holder<V> cur, ProcessorEntry<K, V> entry) {
    long t0 = store.stats.start();
    long set = entry.expiry();
    V value = entry.value();
    switch (entry.action()) {
      case NONE:
        if (set != ProcessorEntry.UNSET && cur != null) {
          return store.expireLocked(this, k, h, cur, set);
        }
        return cur == null ? null : (h == null ? cur : h);
      case ACCESS:
        if (set != ProcessorEntry.UNSET) {
          return store.expireLocked(this, k, h, cur, set);
        }
        store.reexpire(k, cur, store.expiry.access(this, cur.expireAt));
        return expired(cur) ? store.drop(k, cur) : cur;
      case LOAD: {
        store.checkUnique(k, value);
        long at = set != ProcessorEntry.UNSET ? set : store.expiry.creation(this);
        if (due(at)) {
          return null;
        }
        Object f = store.copier.in(value);
        Holder<V> n = store.commit(this, k, null, f, value, at);
        events.created(k, f);
        return n;
      }
      case CREATE: {
        store.checkUnique(k, value);
        store.writer.write(k, value);
        Object f = store.copier.in(value);
        Holder<V> n = set != ProcessorEntry.UNSET ? store.putExpiring(this, k, null, f, value, set)
            : store.create(this, k, f, value);
        if (done) {
          store.stats.recordPut(t0);
        }
        return n;
      }
      case UPDATE: {
        store.checkUnique(k, value);
        store.writer.write(k, value);
        Object f = store.copier.in(value);
        store.stats.recordPut(t0);
        form = cur.form;
        if (set != ProcessorEntry.UNSET) {
          return store.putExpiring(this, k, cur, f, value, set);
        }
        Object old = cur.form;
        Holder<V> n = store.commit(this, k, cur, f, value, store.expiry.update(this, cur.expireAt));
        events.updated(k, f, old);
        return n;
      }
      case REMOVE:
        store.writer.delete(k);
        if (cur == null) {
          return null;
        }
        events.removed(k, cur.form);
        store.stats.recordRemoval(t0);
        return store.drop(k, cur);
      default:
        throw new IllegalStateException("unknown action " + entry.action());
    }
  }
}
