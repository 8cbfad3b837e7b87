package io.cairn.redis;

import io.cairn.jcache.spi.Coherence;
import io.cairn.jcache.spi.ConflictException;
import io.cairn.jcache.spi.SharedTier;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import javax.cache.CacheException;

/**
 * One cache's entries in Redis.
 *
 * <h2>Names</h2>
 * An entry's key is {@code <prefix>:<manager>:<cache>:} followed by the cache's encoded key bytes, the manager's
 * URI and the cache's name {@linkplain #escape escaped} so that no other {@code :} appears in them; with
 * {@code one-slot} the middle part is a hash tag, {@code <prefix>:{<manager>:<cache>}:}, so every key of the cache
 * maps to one Cluster slot (multi-key transactions and scripts over the cache's keys then work, at the cost of putting
 * the cache on one shard). Values are {@link ValueHeader}s. Events go over the channel {@code <key prefix>events};
 * which processes listen is kept in the hash {@code <prefix>-meta:<manager>:<cache>:listeners} (field: a listening
 * cache instance, value: until when it counts, refreshed every health check).
 *
 * <h2>Writes</h2>
 * A write is one {@link Scripts#setIfThen} (compare the stamp, SET with PXAT at the expiry plus
 * {@code remote.expiry-grace}), followed in the same write to the connection by a GETRANGE of the stamp. Under
 * default tracking Redis notifies only keys this connection read, and neither a script's reads nor a SET count: that
 * read makes Redis track the key from then on. If it shows a stamp other than the one just written, another process
 * wrote in between unseen, and the write takes no reservation, so its near copy is not served. Redis notifies a
 * script's writes even to a NOLOOP writer (in both modes, just after the script's reply), so the reservation is
 * taken as the stamp read's reply is handled, after that notification and before any later one. With
 * {@code remote.wait-replicas} the write then WAITs for that many replicas.
 *
 * <p>Thread-safety: stateless per call; {@link #othersListen} is volatile.
 */
final class RedisTier implements SharedTier {
  private static final SecureRandom SEEDS = new SecureRandom();
  private static final long LISTENER_LEASE_MILLIS = 10_000;

  /** Test seam: runs with each GET's reply before it is returned (the read/invalidate race test holds it here). */
  static volatile BiConsumer<RedisTier, byte[]> afterRead;

  /** Test seam: runs on the writing thread once a write and its stamp read are sent, with the stamp read's reply. */
  static volatile java.util.function.Consumer<CompletableFuture<Integer>> afterWriteSent;

  final String cacheName;
  final Coherence coherence;
  final String channel;
  private final RedisStore store;
  /** {@code <prefix>:<manager>:<cache>:} (or its one-slot form): what every key of the cache starts with. */
  final String keyPrefix;
  private final byte[] prefix;
  private final byte[] listenersKey;
  private final byte[] instance;
  private final long timeoutMillis;
  private final long graceMillis;
  private volatile boolean othersListen;
  private volatile boolean listening;

  RedisTier(RedisStore store, String cacheName, boolean oneSlot, Coherence coherence) {
    this.store = store;
    this.cacheName = cacheName;
    this.coherence = coherence;
    String space = escape(store.namespace) + ":" + escape(cacheName);
    String p = store.options.prefix() + ":" + (oneSlot ? "{" + space + "}" : space) + ":";
    this.keyPrefix = p;
    this.prefix = p.getBytes(StandardCharsets.UTF_8);
    this.channel = p + "events";
    this.listenersKey = (store.options.prefix() + "-meta:" + space + ":listeners").getBytes(StandardCharsets.UTF_8);
    this.instance = Long.toHexString(SEEDS.nextLong()).getBytes(StandardCharsets.US_ASCII);
    this.timeoutMillis = store.options.timeout().toMillis();
    this.graceMillis = store.options.expiryGrace().toMillis();
    refreshListeners();
  }

  /**
   * A manager URI or cache name as it appears in key names: {@code %}, {@code :}, <code>{</code>, <code>}</code> and
   * control characters and spaces percent-encoded (UTF-8), so the {@code :} between the parts is the only one and two
   * caches never share a key, nor does one cache's key prefix start with another's (BCAST tracking needs that).
   */
  static String escape(String name) {
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(utf8.length + 8);
    for (byte x : utf8) {
      int b = x & 0xff;
      if (b <= ' ' || b == 0x7f || b == '%' || b == ':' || b == '{' || b == '}') {
        out.write('%');
        out.write(Character.toUpperCase(Character.forDigit(b >> 4, 16)));
        out.write(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
      } else {
        out.write(b);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private byte[] key(byte[] k) {
    byte[] out = Arrays.copyOf(prefix, prefix.length + k.length);
    System.arraycopy(k, 0, out, prefix.length, k.length);
    return out;
  }

  /** A key Redis named in an invalidation: this cache's near copy of it is stale if the key is this cache's. */
  void invalidated(byte[] redisKey) {
    if (redisKey.length >= prefix.length && Arrays.equals(redisKey, 0, prefix.length, prefix, 0, prefix.length)) {
      coherence.invalidated(Arrays.copyOfRange(redisKey, prefix.length, redisKey.length));
    }
  }

  private RedisClusterAsyncCommands<byte[], byte[]> redis() {
    return store.commands();
  }

  private <T> T await(CompletableFuture<T> f, String what, byte[] k) {
    return await(f, what, k, timeoutMillis);
  }

  private <T> T await(CompletableFuture<T> f, String what, byte[] k, long timeoutMillis) {
    try {
      return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      throw new CacheException("cache " + cacheName + ": " + what + (k == null ? "" : " of a key") + " in "
          + store.describe() + " failed: " + c.getMessage(), c);
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new CacheException("cache " + cacheName + ": " + what + " in " + store.describe() + " took longer than"
          + " remote.timeout=" + timeoutMillis + "ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheException("cache " + cacheName + ": interrupted during " + what, e);
    }
  }

  @Override
  public Version read(byte[] k) {
    byte[] stored = await(redis().get(key(k)).toCompletableFuture(), "a read", k);
    BiConsumer<RedisTier, byte[]> hook = afterRead;
    if (hook != null) {
      hook.accept(this, k);
    }
    if (stored == null) {
      return null;
    }
    try {
      return ValueHeader.read(stored, "key " + new String(key(k), StandardCharsets.UTF_8) + " of cache " + cacheName);
    } catch (IllegalStateException e) {
      throw new CacheException(e.getMessage(), e);
    }
  }

  @Override
  public Written write(byte[] k, byte[] value, long expireAtMillis, long expectedStamp) {
    byte[] rk = key(k);
    long stamp = newStamp();
    byte[] stampBytes = ValueHeader.stampBytes(stamp);
    long pxat = expireAtMillis == Long.MAX_VALUE ? 0 : saturatedAdd(expireAtMillis, graceMillis);
    // The reservation is taken while Lettuce decodes the stamp read's reply on the I/O thread: after Redis's
    // notification of this very write (a script's write reaches even its NOLOOP writer, just after the script's
    // reply), before any later one, however late this thread gets to look at the reply. The script and the stamp read
    // go out in one write.
    AsyncCommand<byte[], byte[], Integer> reserved = new AsyncCommand<>(new Command<>(CommandType.GETRANGE,
        new StampConfirmation(stampBytes, k, coherence), new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(rk)
            .add(ValueHeader.STAMP_OFFSET).add(ValueHeader.STAMP_OFFSET + 7)));
    CompletableFuture<Long> written = Scripts.setIfThen(store.connection(), redis(), rk,
        ValueHeader.stampBytes(expectedStamp), ValueHeader.wrap(stamp, expireAtMillis, value), pxat, reserved);
    java.util.function.Consumer<CompletableFuture<Integer>> hook = afterWriteSent;
    if (hook != null) {
      hook.accept(reserved);
    }
    // The stamp read's reply comes after the script's on the same connection: one wait, one wake-up (unless the
    // server had to be sent the script again, whose EVAL then runs after the stamp read).
    int reservation = await(reserved, "a read of the stamp", k);
    if (await(written, "a conditional write", k) == 0) {
      throw new ConflictException("another process changed the entry first");
    }
    replicate(rk);
    return new Written(stamp, reservation);
  }

  /**
   * The reply to the GETRANGE of a stamp just written: the write's reservation if the stamp is still the one written,
   * else {@link Coherence#UNRESERVED}. {@link #set} runs on the I/O thread as the reply is decoded, in order with the
   * invalidation pushes of the same connection, which is what makes the reservation exact.
   */
  private static final class StampConfirmation extends CommandOutput<byte[], byte[], Integer> {
    private final byte[] written;
    private final byte[] key;
    private final Coherence coherence;

    StampConfirmation(byte[] written, byte[] key, Coherence coherence) {
      super(ByteArrayCodec.INSTANCE, Coherence.UNRESERVED);
      this.written = written;
      this.key = key;
      this.coherence = coherence;
    }

    @Override
    public void set(ByteBuffer bytes) {
      output = bytes != null && bytes.equals(ByteBuffer.wrap(written)) ? coherence.reserve(key) : Coherence.UNRESERVED;
    }
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return r < a ? Long.MAX_VALUE - 1 : r;
  }

  /** With {@code remote.wait-replicas}: WAIT for the replicas; fewer acknowledgements fail the write. */
  private void replicate(byte[] rk) {
    int want = store.options.waitReplicas();
    if (want > 0) {
      long acked = await(store.waitForReplicas(rk), "WAIT for replicas", rk,
          timeoutMillis + store.options.waitTimeout().toMillis());
      if (acked < want) {
        throw new CacheException("cache " + cacheName + ": a write reached " + acked + " replica(s) of " + want
            + " asked by remote.wait-replicas within remote.wait-timeout; it may be lost if its master fails");
      }
    }
  }

  private static long newStamp() {
    long s;
    do {
      s = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    } while (s == ABSENT);
    return s;
  }

  @Override
  public void delete(byte[] k, long expectedStamp) {
    byte[] rk = key(k);
    if (await(Scripts.delIf(redis(), rk, ValueHeader.stampBytes(expectedStamp)), "a conditional delete", k) == 0) {
      throw new ConflictException("another process changed the entry first");
    }
    replicate(rk);
  }

  @Override
  public Iterator<byte[]> keys() {
    ScanIterator<byte[]> it = ScanIterator.scan(store.keyCommands(), ScanArgs.Builder.matches(glob()).limit(500));
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public byte[] next() {
        byte[] rk = it.next();
        return Arrays.copyOfRange(rk, prefix.length, rk.length);
      }
    };
  }

  /** The MATCH pattern of the cache's keys: the prefix with glob characters escaped, then {@code *}. */
  private byte[] glob() {
    StringBuilder sb = new StringBuilder();
    for (char c : new String(prefix, StandardCharsets.UTF_8).toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.append('*').toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void clear() {
    ScanIterator<byte[]> it = ScanIterator.scan(store.keyCommands(), ScanArgs.Builder.matches(glob()).limit(500));
    List<byte[]> batch = new ArrayList<>();
    while (it.hasNext()) {
      batch.add(it.next());
      if (batch.size() == 500) {
        unlink(batch);
      }
    }
    unlink(batch);
  }

  private void unlink(List<byte[]> batch) {
    if (!batch.isEmpty()) {
      await(redis().unlink(batch.toArray(byte[][]::new)).toCompletableFuture(), "clearing", null);
      batch.clear();
    }
  }

  /** A PING on the data connection, answered after every push Redis sent before it (for tests). */
  void ping() {
    await(redis().ping().toCompletableFuture(), "a PING", null);
  }

  @Override
  public boolean othersListen() {
    return othersListen;
  }

  /** Every health check: re-reads who listens, and renews this instance's lease while it listens. */
  void refreshListeners() {
    long now = System.currentTimeMillis();
    if (listening) {
      redis().hset(listenersKey, instance, Long.toString(now + LISTENER_LEASE_MILLIS).getBytes(StandardCharsets.US_ASCII));
      redis().pexpire(listenersKey, 3 * LISTENER_LEASE_MILLIS);
    }
    redis().hgetall(listenersKey).toCompletableFuture().whenComplete((all, e) -> {
      if (e == null) {
        boolean others = false;
        for (Map.Entry<byte[], byte[]> en : all.entrySet()) {
          if (!Arrays.equals(en.getKey(), instance) && until(en.getValue()) > now) {
            others = true;
          }
        }
        othersListen = others;
      }
    });
  }

  private static long until(byte[] v) {
    try {
      return Long.parseLong(new String(v, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public void publish(byte[] message) {
    redis().publish(channel.getBytes(StandardCharsets.UTF_8), message);
  }

  @Override
  public void listen(boolean on) {
    byte[] ch = channel.getBytes(StandardCharsets.UTF_8);
    listening = on;
    if (on) {
      await(store.pubsub().subscribe(ch).toCompletableFuture(), "subscribing to events", null);
      refreshListeners();
    } else {
      store.pubsub().unsubscribe(ch);
      redis().hdel(listenersKey, instance);
    }
  }

  @Override
  public void close() {
    if (listening) {
      listen(false);
    }
    store.closed(this);
  }
}
