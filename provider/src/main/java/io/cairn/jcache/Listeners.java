package io.cairn.jcache;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/**
 * A cache's registered listeners. Synchronous listeners run on the caller's thread before the cache operation returns
 * (an exception from one reaches the caller as a {@link CacheEntryListenerException}); asynchronous ones run on a
 * single thread per registration, so each sees events in the order they happened.
 *
 * <p>Thread-safety: the registration list is copy-on-write; an operation reads it once.
 */
final class Listeners<K, V> {
  private final CopyOnWriteArrayList<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();
  private final String cacheName;
  /** The event types some registered listener receives, one bit per {@link EventType} ordinal. */
  private volatile int wanted;

  Listeners(String cacheName) {
    this.cacheName = cacheName;
  }

  boolean isEmpty() {
    return registrations.isEmpty();
  }

  /** The event types some registered listener receives, one bit per {@link EventType} ordinal. */
  int wantedTypes() {
    return wanted;
  }

  private void recomputeWanted() {
    int w = 0;
    for (Registration<K, V> r : registrations) {
      for (EventType t : EventType.values()) {
        if (r.wants(t)) {
          w |= 1 << t.ordinal();
        }
      }
    }
    wanted = w;
  }

  /** Registers a listener; false if this configuration is already registered. */
  boolean register(CacheEntryListenerConfiguration<K, V> c) {
    for (Registration<K, V> r : registrations) {
      if (r.config.equals(c)) {
        return false;
      }
    }
    registrations.add(new Registration<>(c, cacheName));
    recomputeWanted();
    return true;
  }

  void deregister(CacheEntryListenerConfiguration<K, V> c) {
    for (Registration<K, V> r : registrations) {
      if (r.config.equals(c)) {
        registrations.remove(r);
        r.close();
      }
    }
    recomputeWanted();
  }

  /** Delivers the events of one operation, in order. */
  void dispatch(List<CairnEntryEvent<K, V>> events) {
    if (events == null || events.isEmpty()) {
      return;
    }
    CacheEntryListenerException failure = null;
    for (Registration<K, V> r : registrations) {
      try {
        r.deliver(events);
      } catch (CacheEntryListenerException e) {
        failure = failure == null ? e : failure;
      } catch (RuntimeException e) {
        failure = failure == null ? new CacheEntryListenerException("listener of cache " + cacheName + " failed", e)
            : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  void close() {
    for (Registration<K, V> r : registrations) {
      r.close();
    }
    registrations.clear();
    wanted = 0;
  }

  private static final class Registration<K, V> {
    final CacheEntryListenerConfiguration<K, V> config;
    final CacheEntryListener<? super K, ? super V> listener;
    final CacheEntryEventFilter<? super K, ? super V> filter;
    final ExecutorService async;

    Registration(CacheEntryListenerConfiguration<K, V> config, String cacheName) {
      this.config = config;
      this.listener = config.getCacheEntryListenerFactory().create();
      Factory<CacheEntryEventFilter<? super K, ? super V>> ff = config.getCacheEntryEventFilterFactory();
      this.filter = ff == null ? null : ff.create();
      this.async = config.isSynchronous() ? null : Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cairn-listener " + cacheName);
        t.setDaemon(true);
        return t;
      });
    }

    void deliver(List<CairnEntryEvent<K, V>> events) {
      List<CairnEntryEvent<K, V>> mine = new ArrayList<>(events.size());
      for (CairnEntryEvent<K, V> e : events) {
        if (!wants(e.getEventType())) {
          continue;
        }
        CairnEntryEvent<K, V> view = config.isOldValueRequired() ? e : e.withoutOldValue();
        if (filter == null || filter.evaluate(view)) {
          mine.add(view);
        }
      }
      if (mine.isEmpty()) {
        return;
      }
      if (async == null) {
        send(mine);
      } else {
        async.execute(() -> {
          try {
            send(mine);
          } catch (RuntimeException ignored) {
            // An asynchronous listener's failure has no caller to reach; the next events still go out.
          }
        });
      }
    }

    boolean wants(EventType type) {
      return switch (type) {
        case CREATED -> listener instanceof CacheEntryCreatedListener;
        case UPDATED -> listener instanceof CacheEntryUpdatedListener;
        case REMOVED -> listener instanceof CacheEntryRemovedListener;
        case EXPIRED -> listener instanceof CacheEntryExpiredListener;
      };
    }

    @SuppressWarnings("unchecked")
    private void send(List<CairnEntryEvent<K, V>> events) {
      for (CairnEntryEvent<K, V> e : events) {
        List<CacheEntryEvent<? extends K, ? extends V>> one = List.of(e);
        Iterable<CacheEntryEvent<? extends K, ? extends V>> batch = one;
        switch (e.getEventType()) {
          case CREATED -> ((CacheEntryCreatedListener<K, V>) listener).onCreated(batch);
          case UPDATED -> ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(batch);
          case REMOVED -> ((CacheEntryRemovedListener<K, V>) listener).onRemoved(batch);
          case EXPIRED -> ((CacheEntryExpiredListener<K, V>) listener).onExpired(batch);
          default -> throw new IllegalStateException("unknown event type " + e.getEventType());
        }
      }
    }

    void close() {
      if (async != null) {
        async.shutdown();
        try {
          async.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      for (Object o : new Object[] {listener, filter}) {
        if (o instanceof Closeable c) {
          try {
            c.close();
          } catch (IOException ignored) {
            // Closing a user's listener is best effort.
          }
        }
      }
    }
  }
}
