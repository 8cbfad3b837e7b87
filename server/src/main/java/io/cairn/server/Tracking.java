package io.cairn.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client-side caching (CLIENT TRACKING), after Redis's tracking.c: in default mode a table from each key a tracking
 * client read to the ids of those clients, emptied for a key when it changes; in BCAST mode a table from prefixes to
 * the clients that registered them, consulted on every change. Keys are global across databases, as in Redis.
 *
 * <p>An invalidation goes to the client (a RESP3 {@code invalidate} push) or to its REDIRECT target (a push, or a
 * {@code message} on {@code __redis__:invalidate} for a RESP2 subscriber); a FLUSHDB or FLUSHALL sends a null
 * invalidation ("everything") to every tracking client. Sources of invalidations: the server's own write paths
 * ({@link Session#touched}), and keys a database deletes by itself ({@link ImplicitDeletions}): expiry, and keys it
 * loses ({@link #keyLost}: its disk tier's byte budget, a heap-only database's eviction).
 *
 * <p>Thread-safety: concurrent maps and sets; {@link #clients} counts tracking clients so that writes skip all of
 * this while nobody tracks.
 */
final class Tracking {
  private static final byte[] INVALIDATE = Session.ascii("invalidate");
  private static final byte[] CHANNEL = Session.ascii("__redis__:invalidate");
  private static final byte[] MESSAGE = Session.ascii("message");

  private final CairnServer server;
  private final Map<Key, Set<Long>> table = new ConcurrentHashMap<>();
  private final Map<Key, Set<Session>> prefixes = new ConcurrentHashMap<>();
  private final AtomicInteger clients = new AtomicInteger();

  Tracking(CairnServer server) {
    this.server = server;
  }

  int clients() {
    return clients.get();
  }

  int trackedKeys() {
    return table.size();
  }

  int prefixCount() {
    return prefixes.size();
  }

  /** Turns tracking on for {@code s} with the given mode (its previous mode, if any, is replaced). */
  void enable(Session s, boolean bcast, boolean optin, boolean optout, boolean noloop, long redirect,
      List<byte[]> newPrefixes) {
    TrackingState t = s.tracking;
    if (!t.enabled) {
      clients.incrementAndGet();
    }
    removePrefixes(s);
    t.bcast = bcast;
    t.optin = optin;
    t.optout = optout;
    t.noloop = noloop;
    t.redirect = redirect;
    if (bcast) {
      List<byte[]> ps = newPrefixes.isEmpty() ? List.of(new byte[0]) : List.copyOf(newPrefixes);
      t.prefixes = ps;
      for (byte[] p : ps) {
        prefixes.computeIfAbsent(new Key(p), k -> ConcurrentHashMap.newKeySet()).add(s);
      }
    } else {
      t.prefixes = List.of();
    }
    t.enabled = true;
  }

  void disable(Session s) {
    TrackingState t = s.tracking;
    if (!t.enabled) {
      return;
    }
    t.enabled = false;
    removePrefixes(s);
    t.prefixes = List.of();
    t.bcast = t.optin = t.optout = t.noloop = false;
    t.redirect = 0;
    t.cachingGiven = false;
    clients.decrementAndGet();
  }

  private void removePrefixes(Session s) {
    for (byte[] p : s.tracking.prefixes) {
      prefixes.computeIfPresent(new Key(p), (k, set) -> {
        set.remove(s);
        return set.isEmpty() ? null : set;
      });
    }
  }

  /** Before a read-only command runs: remembers its keys for {@code s} if it tracks them. */
  void remember(Session s, Command cmd, byte[][] argv, int keys) {
    if (!s.tracking.remembers()) {
      return;
    }
    for (int i = 0; i < keys; i++) {
      table.computeIfAbsent(new Key(argv[cmd.keyPosition(i)]), k -> ConcurrentHashMap.newKeySet()).add(s.id);
    }
    long max = server.config.trackingTableMaxKeys;
    if (max > 0 && table.size() > max) {
      evictTracked(max);
    }
  }

  /** Over tracking-table-max-keys: forgets keys, telling their clients as if the keys had changed (as Redis does). */
  private void evictTracked(long max) {
    Iterator<Key> it = table.keySet().iterator();
    while (table.size() > max && it.hasNext()) {
      invalidateTable(it.next(), null);
    }
  }

  /** {@code key} changed (written by {@code writer}, or null for expiry): tells every client that may cache it. */
  void invalidate(Key key, Session writer) {
    if (clients.get() == 0) {
      return;
    }
    if (!prefixes.isEmpty()) {
      for (Map.Entry<Key, Set<Session>> e : prefixes.entrySet()) {
        if (key.startsWith(e.getKey().bytes)) {
          for (Session s : e.getValue()) {
            if (!(s.tracking.noloop && s == writer)) {
              send(s, key);
            }
          }
        }
      }
    }
    invalidateTable(key, writer);
  }

  private void invalidateTable(Key key, Session writer) {
    Set<Long> ids = table.remove(key);
    if (ids == null) {
      return;
    }
    for (long id : ids) {
      Session s = server.client(id);
      if (s == null || !s.tracking.enabled || s.tracking.bcast || (s.tracking.noloop && s == writer)) {
        continue;
      }
      send(s, key);
    }
  }

  /** A key a database lost by itself (its disk tier's budget, a heap-only eviction): invalidated as if deleted. */
  void keyLost(Key key) {
    invalidate(key, null);
  }

  /** FLUSHDB / FLUSHALL: a null invalidation to every tracking client, and the table starts over. */
  void invalidateAll() {
    if (clients.get() == 0) {
      table.clear();
      return;
    }
    for (Session s : server.sessions()) {
      if (s.tracking.enabled) {
        send(s, null);
      }
    }
    table.clear();
  }

  /** One invalidation of {@code key} (null: all keys) for {@code s}, where its mode says it goes. */
  private void send(Session s, Key key) {
    Session target = s;
    boolean redirected = false;
    long redirect = s.tracking.redirect;
    if (redirect != 0) {
      target = server.client(redirect);
      if (target == null) {
        if (s.proto >= 3) {
          ByteBuf b = Unpooled.buffer(48);
          Reply.push(b, 3, 2);
          Reply.bulk(b, Session.ascii("tracking-redir-broken"));
          Reply.integer(b, redirect);
          s.deliver(bytes(b), false);
        }
        return;
      }
      redirected = true;
    }
    ByteBuf b = Unpooled.buffer(64 + (key == null ? 0 : key.bytes.length));
    if (target.proto >= 3) {
      Reply.push(b, 3, 2);
      Reply.bulk(b, INVALIDATE);
    } else if (redirected && target.subscriptions.count() > 0) {
      Reply.array(b, 3);
      Reply.bulk(b, MESSAGE);
      Reply.bulk(b, CHANNEL);
    } else {
      return;
    }
    if (key == null) {
      Reply.nullBulk(b, s.proto);
    } else {
      Reply.array(b, 1);
      Reply.bulk(b, key.bytes);
    }
    target.deliver(bytes(b), false);
  }

  private static byte[] bytes(ByteBuf b) {
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    return out;
  }
}
