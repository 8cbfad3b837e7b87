package io.cairn.jcache;

import io.cairn.jcache.spi.Coherence;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;

/**
 * Decides, without locks, whether a remote cache's near copy ({@link NearHolder}) may still be served, from what the
 * shared tier reports ({@link Coherence}).
 *
 * <h2>Epochs</h2>
 * Keys are spread over {@link #STRIPES} stripes by a hash of their encoding, each with an invalidation epoch. An
 * invalidation of a key bumps its stripe; a null invalidation (a flush of the store), a disconnect, a reconnect, a
 * topology change or a failed health check bumps every stripe. A copy records its stripe's epoch as read <em>before</em>
 * the shared tier was asked (the reservation) and is served only while the epoch is unchanged, so an invalidation
 * that arrives while a read is on its way, or at any time after, voids the copy: a stale reply is never served, the
 * race that Lettuce's own client-side cache loses (its issue #3481). A read is not installed at all if its stripe
 * moved before the reply was handled ({@link #stillCurrent}).
 *
 * <h2>Hits without the stripe</h2>
 * A lock-free hit does not load the stripe's epoch (a cache miss of its own in a 16 KiB array: a third of a hit's
 * time); it checks what the holder carries ({@link #servable}): that it was not voided, and its age, which an
 * invalidation of everything ends for every copy by moving {@link #tick} a whole maximum age on. For that, an invalidation of one key also voids the key's holder on the heap ({@link #onInvalidated}), and a holder a
 * step installs is checked against its stripe once it is in the index, still under the lock that linked it
 * ({@link #recheck}, run by {@link HeapIndex#compute}). The two sides are
 * Dekker's: the invalidation bumps the stripe, fences and then looks the key up; the installer links the holder,
 * fences and then reads the stripe; at least one of them sees the other, so a copy an invalidation overtook is voided
 * by one or the other. Steps under the key's lock still check the stripe ({@link #servableUnderLock}).
 *
 * <h2>Readiness and age</h2>
 * While the tier is not {@linkplain Coherence#ready ready} (notifications are not flowing, for example between a
 * reconnect and re-enabling them) no reservation is granted ({@link #VOID}), so nothing read then is installed. Every
 * copy also has a maximum age: a ticker advances {@link #tick} every eighth of it, and a copy older than eight ticks is
 * a miss, the last line of defence if a notification is lost unseen.
 *
 * <p>Thread-safety: the epochs are an atomic array, {@link #ready} and {@link #tick} are volatile; the shared tier's
 * I/O threads call the {@link Coherence} methods, which only bump counters and hand event messages to an executor.
 */
final class NearCoherence implements Coherence {
  static final int STRIPES = 4096;
  /** An epoch no stripe ever has (stripes count up from 0 and stay non-negative). */
  static final int VOID = Coherence.UNRESERVED;
  static final int MAX_AGE_TICKS = 8;

  /** One daemon thread advances the age ticks of every remote cache. */
  private static final ScheduledExecutorService TICKER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "cairn-near-age");
    t.setDaemon(true);
    return t;
  });

  private final AtomicIntegerArray epochs = new AtomicIntegerArray(STRIPES);
  private volatile boolean ready;
  private volatile long tick;
  private static final VarHandle TICK;

  static {
    try {
      TICK = java.lang.invoke.MethodHandles.lookup().findVarHandle(NearCoherence.class, "tick", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Voids the heap's holder of an encoded key, if any (set by the tier store; on the shared tier's I/O thread). */
  private volatile Consumer<byte[]> voidResident = k -> {};
  private volatile Consumer<byte[]> events = m -> {};
  /** The cache's near disk tier, whose copies an invalidation reaches too; null if it has none. */
  private volatile NearDisk disk;

  /** The stripe of an encoded key. */
  static int stripe(byte[] key) {
    int h = 1;
    for (byte b : key) {
      h = 31 * h + b;
    }
    h ^= h >>> 16;
    h *= 0x45d9f3b;
    h ^= h >>> 16;
    return h & (STRIPES - 1);
  }

  /** The reservation for a read or write of a key in {@code stripe}: its epoch now, or {@link #VOID} if not ready. */
  int reserve(int stripe) {
    // The epoch first, readiness after: going unready clears the flag before it bumps, so a reservation that read an
    // epoch from after the bump sees the flag cleared.
    int e = epochs.get(stripe);
    return ready ? e : VOID;
  }

  /** The age tick now. */
  long tick() {
    return tick;
  }

  /** Moves the age tick {@code ticks} on (what the ticker does one at a time). */
  void advance(long ticks) {
    TICK.getAndAdd(this, ticks);
  }

  /** Whether a reservation taken before a shared-tier call still holds after it. */
  boolean stillCurrent(int stripe, int reservation) {
    return reservation != VOID && epochs.get(stripe) == reservation;
  }

  /**
   * The stripe of a holder that is no near copy but this JVM's own entry: a store-by-reference cache's entry whose key
   * has no codec, which Redis cannot hold and no other process can name. It is always servable.
   */
  static final int JVM_ONLY = -1;

  /**
   * Whether a lock-free hit may serve {@code h}, in the index: not voided, not too old
   * (or it is an entry of this JVM only, {@link #JVM_ONLY}). An invalidation since voids it (see the class comment).
   */
  boolean servable(NearHolder<?> h) {
    // One load of the holder: not void and younger than the maximum age, or an entry of this JVM only.
    return tick < h.servableBefore();
  }

  /** Under the key's lock: {@link #servable}, and no invalidation of its stripe since it was current. */
  boolean servableUnderLock(NearHolder<?> h) {
    return h.stripe == JVM_ONLY || servable(h) && epochs.get(h.stripe) == h.epoch();
  }

  /**
   * After a step linked or changed {@code h} in the index (under the key's lock still): voids it if its stripe moved
   * since its reservation, which an invalidation that looked the key up too early could not void.
   */
  void recheck(NearHolder<?> h) {
    if (h.stripe == JVM_ONLY) {
      return;
    }
    VarHandle.fullFence();
    int e = h.epoch();
    if (e != VOID && epochs.get(h.stripe) != e) {
      h.voidCopy();
    }
  }

  /** Where an invalidated key goes once its stripe is bumped: the tier store voids the key's holder. */
  void onInvalidated(Consumer<byte[]> voider) {
    voidResident = voider;
  }

  /** Makes invalidations reach the copies of the cache's near disk tier too. */
  void keepsBelow(NearDisk d) {
    disk = d;
  }

  /** Advances {@code c}'s age tick every eighth of {@code maxAgeMillis} until cancelled. */
  static ScheduledFuture<?> tickEvery(NearCoherence c, long maxAgeMillis) {
    long period = Math.max(1, maxAgeMillis / MAX_AGE_TICKS);
    return TICKER.scheduleAtFixedRate(() -> c.advance(1), period, period, TimeUnit.MILLISECONDS);
  }

  /** Where event messages from other processes go (run on the shared tier's I/O thread: must hand them off). */
  void onEvent(Consumer<byte[]> sink) {
    events = sink;
  }

  @Override
  public int reserve(byte[] key) {
    return reserve(stripe(key));
  }

  @Override
  public void invalidated(byte[] key) {
    NearDisk d = disk;
    if (d != null) {
      d.invalidating(key);
    }
    bump(stripe(key));
    VarHandle.fullFence();
    voidResident.accept(key);
    if (d != null) {
      d.invalidated(key, tick);
    }
  }

  private void bump(int stripe) {
    epochs.getAndUpdate(stripe, e -> (e + 1) & Integer.MAX_VALUE);
  }

  @Override
  public void invalidatedAll() {
    for (int i = 0; i < STRIPES; i++) {
      bump(i);
    }
    // Every copy made before is now a maximum age old: the lock-free hit, which checks no stripe, misses it.
    advance(MAX_AGE_TICKS);
  }

  @Override
  public void ready(boolean r) {
    if (!r) {
      ready = false;
      invalidatedAll();
    } else {
      invalidatedAll();
      ready = true;
    }
  }

  boolean isReady() {
    return ready;
  }

  @Override
  public void event(byte[] message) {
    events.accept(message);
  }
}
