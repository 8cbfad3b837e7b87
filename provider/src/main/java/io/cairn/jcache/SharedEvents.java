package io.cairn.jcache;

import io.cairn.jcache.spi.SharedTier;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.event.EventType;

/**
 * A remote cache's events across processes: each event of a change made here is published on the shared tier
 * (while some other process listens), and events other processes publish are delivered to this process's listeners.
 *
 * <h2>Message (version 1)</h2>
 * <pre>
 * 'E' 0x01                     magic and format version
 * origin:int64                 the publishing cache instance (a process ignores its own messages)
 * type:uint8                   1 created, 2 updated, 3 removed, 4 expired
 * keyLen:int32 key             the encoded key
 * valueLen:int32 value         the encoded value; -1: none
 * oldLen:int32 old             the encoded old value; -1: none (not available)
 * </pre>
 *
 * <h2>Delivery</h2>
 * Best effort, after the change: at most once, in publishing order per publishing process, lost while a subscriber is
 * disconnected. Listeners registered as synchronous run synchronously with the change in the process that made it
 * only; in other processes every listener runs on one delivery thread per cache, never on the shared tier's I/O thread.
 *
 * <p>Thread-safety: publishing is stateless; received messages are handed to the single delivery thread.
 */
final class SharedEvents<K, V> {
  private static final byte MAGIC = 'E';
  private static final byte VERSION = 1;
  private static final System.Logger LOG = System.getLogger(SharedEvents.class.getName());

  private final String cacheName;
  private final SharedTier tier;
  private final Copier<K, V> copier;
  private final long origin = ThreadLocalRandom.current().nextLong();
  private volatile Cache<K, V> source;
  private volatile Listeners<K, V> listeners;
  private volatile ExecutorService delivery;
  private volatile boolean listening;

  SharedEvents(String cacheName, SharedTier tier, Copier<K, V> copier) {
    this.cacheName = cacheName;
    this.tier = tier;
    this.copier = copier;
  }

  /** Where received events go: {@code listeners} of {@code cache}. */
  void deliverTo(Cache<K, V> cache, Listeners<K, V> to) {
    this.source = cache;
    this.listeners = to;
  }

  /** Whether another process listens, so the events of an operation here are worth collecting. */
  boolean wanted() {
    return tier.othersListen();
  }

  /** This process has listeners now: start receiving other processes' events. */
  synchronized void listen() {
    if (!listening) {
      listening = true;
      tier.listen(true);
    }
  }

  void publish(List<CairnEntryEvent<K, V>> events) {
    for (CairnEntryEvent<K, V> e : events) {
      byte[] message;
      try {
        message = encode(e);
      } catch (IllegalArgumentException noCodec) {
        // An entry of this JVM only (a store-by-reference key or value with no codec): no other process can name it.
        continue;
      }
      tier.publish(message);
    }
  }

  private byte[] encode(CairnEntryEvent<K, V> e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    ByteBuffer head = ByteBuffer.allocate(11);
    head.put(MAGIC).put(VERSION).putLong(origin).put(code(e.getEventType()));
    out.writeBytes(head.array());
    chunk(out, copier.keyCodec().encode(e.getKey()));
    chunk(out, e.getValue() == null ? null : copier.valueCodec().encode(e.getValue()));
    chunk(out, e.isOldValueAvailable() && e.getOldValue() != null ? copier.valueCodec().encode(e.getOldValue()) : null);
    return out.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, byte[] b) {
    out.writeBytes(ByteBuffer.allocate(4).putInt(b == null ? -1 : b.length).array());
    if (b != null) {
      out.writeBytes(b);
    }
  }

  private static byte code(EventType t) {
    return switch (t) {
      case CREATED -> 1;
      case UPDATED -> 2;
      case REMOVED -> 3;
      case EXPIRED -> 4;
    };
  }

  /** On the shared tier's I/O thread: a message from another process, handed to the delivery thread. */
  void received(byte[] message) {
    ByteBuffer in = ByteBuffer.wrap(message);
    if (message.length < 11 || in.get() != MAGIC || in.get() != VERSION) {
      LOG.log(System.Logger.Level.WARNING, "cache " + cacheName + ": ignored an event message of an unknown format ("
          + message.length + " bytes)");
      return;
    }
    if (in.getLong() == origin || listeners == null) {
      return;
    }
    executor().execute(() -> deliver(in));
  }

  private void deliver(ByteBuffer in) {
    try {
      EventType type = switch (in.get()) {
        case 1 -> EventType.CREATED;
        case 2 -> EventType.UPDATED;
        case 3 -> EventType.REMOVED;
        case 4 -> EventType.EXPIRED;
        default -> throw new IllegalArgumentException("unknown event type");
      };
      K key = copier.keyCodec().decode(chunk(in));
      byte[] value = chunk(in);
      byte[] old = chunk(in);
      V v = value == null ? null : copier.valueCodec().decode(value);
      V o = old == null ? null : copier.valueCodec().decode(old);
      listeners.dispatch(List.of(new CairnEntryEvent<>(source, type, key, v, o, old != null)));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cache " + cacheName + ": an event from another process could not be"
          + " delivered: " + e);
    }
  }

  private static byte[] chunk(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  private ExecutorService executor() {
    ExecutorService e = delivery;
    if (e == null) {
      synchronized (this) {
        if (delivery == null) {
          delivery = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cairn-remote-events " + cacheName);
            t.setDaemon(true);
            return t;
          });
        }
        e = delivery;
      }
    }
    return e;
  }

  void close() {
    ExecutorService e = delivery;
    if (e != null) {
      e.shutdown();
      try {
        e.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException x) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
