package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * When a remote cache's near copy may be served: never after an invalidation of its key (or of everything) that
 * arrived after the read or write that made it began, never if it was made while notifications were off, and never
 * past its maximum age. The shared tier's callbacks are driven by hand here; RemoteCacheIT drives them with Redis.
 */
class NearCoherenceTest {
  private static byte[] key(String k) {
    return k.getBytes(StandardCharsets.UTF_8);
  }

  /** A near copy of {@code k} made with a reservation taken now. */
  private static NearHolder<String> copy(NearCoherence c, String k) {
    int stripe = NearCoherence.stripe(key(k));
    NearHolder<String> h = new NearHolder<>(k, "v", Holder.ETERNAL, stripe);
    h.current(c.reserve(stripe), c.tick());
    return h;
  }

  /** A coherence whose invalidations void the holders of {@code heap}, as the tier store's do on its heap index. */
  private static NearCoherence over(java.util.Map<String, NearHolder<String>> heap) {
    NearCoherence c = new NearCoherence();
    c.onInvalidated(kb -> {
      NearHolder<String> h = heap.get(new String(kb, StandardCharsets.UTF_8));
      if (h != null) {
        h.voidCopy();
      }
    });
    return c;
  }

  @Test
  void anInvalidationDuringOrAfterTheReadVoidsTheCopy() {
    java.util.Map<String, NearHolder<String>> heap = new java.util.concurrent.ConcurrentHashMap<>();
    NearCoherence c = over(heap);
    c.ready(true);
    NearHolder<String> a = copy(c, "a");
    heap.put("a", a);
    assertTrue(c.servable(a));
    int stripe = NearCoherence.stripe(key("b"));
    int reservation = c.reserve(stripe);
    c.invalidated(key("b"));
    assertFalse(c.stillCurrent(stripe, reservation), "an invalidation while the read was on its way voids it");
    NearHolder<String> b = new NearHolder<>("b", "v", Holder.ETERNAL, stripe);
    b.current(reservation, c.tick());
    assertFalse(c.servableUnderLock(b), "a step under the key's lock sees the stripe moved");
    heap.put("b", b);
    c.recheck(b);
    assertFalse(c.servable(b), "linked after the invalidation looked the key up: the recheck voids it");
    c.invalidated(key("a"));
    assertFalse(c.servable(a), "an invalidation after the read voids the copy on the heap");
    NearHolder<String> again = copy(c, "a");
    heap.put("a", again);
    c.recheck(again);
    assertTrue(c.servable(again), "a copy made after it is servable");
  }

  /**
   * The lock-free hit checks no stripe, so an invalidation racing a step that links a copy must void it from one side
   * or the other: in each of many rounds an invalidation lands at a random point of a copy's reservation, link and
   * recheck, and once both are done the copy is servable only if its reservation came after the invalidation.
   */
  @Test
  void anInvalidationRacingTheLinkOfACopyAlwaysVoidsIt() throws Exception {
    java.util.Map<String, NearHolder<String>> heap = new java.util.concurrent.ConcurrentHashMap<>();
    NearCoherence c = over(heap);
    c.ready(true);
    int stripe = NearCoherence.stripe(key("k"));
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
    java.util.concurrent.CyclicBarrier end = new java.util.concurrent.CyclicBarrier(2);
    int rounds = 20_000;
    Thread invalidator = new Thread(() -> {
      java.util.Random r = new java.util.Random(7);
      try {
        for (int i = 0; i < rounds; i++) {
          start.await();
          for (int spin = r.nextInt(300); spin > 0; spin--) {
            Thread.onSpinWait();
          }
          c.invalidated(key("k"));
          end.await();
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    invalidator.start();
    int overtaken = 0;
    int raced = 0;
    for (int i = 0; i < rounds; i++) {
      start.await();
      int e = c.reserve(stripe);
      NearHolder<String> h = new NearHolder<>("k", "v" + i, Holder.ETERNAL, stripe);
      h.current(e, c.tick());
      heap.put("k", h);
      c.recheck(h);
      end.await();
      if (c.reserve(stripe) != e) {
        raced++;
        if (c.servable(h)) {
          overtaken++;
        }
      }
    }
    invalidator.join();
    assertTrue(raced > 0, "no invalidation came after a reservation");
    assertEquals(0, overtaken, "copies left servable after an invalidation overtook them, of " + raced);
  }

  /**
   * The same race on a copy that stays in the index, as a write over a near copy makes it current again: the
   * invalidation may void the holder while {@link NearHolder#current} is storing its epoch and the hit's bound, and
   * once both are done the copy is servable only if its reservation came after the invalidation.
   */
  @Test
  void anInvalidationRacingAWriteOverALinkedCopyAlwaysVoidsIt() throws Exception {
    java.util.Map<String, NearHolder<String>> heap = new java.util.concurrent.ConcurrentHashMap<>();
    NearCoherence c = over(heap);
    c.ready(true);
    int stripe = NearCoherence.stripe(key("k"));
    NearHolder<String> h = new NearHolder<>("k", "v", Holder.ETERNAL, stripe);
    heap.put("k", h);
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
    java.util.concurrent.CyclicBarrier end = new java.util.concurrent.CyclicBarrier(2);
    int rounds = 20_000;
    Thread invalidator = new Thread(() -> {
      java.util.Random r = new java.util.Random(11);
      try {
        for (int i = 0; i < rounds; i++) {
          start.await();
          for (int spin = r.nextInt(200); spin > 0; spin--) {
            Thread.onSpinWait();
          }
          c.invalidated(key("k"));
          end.await();
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    invalidator.start();
    int overtaken = 0;
    int raced = 0;
    for (int i = 0; i < rounds; i++) {
      start.await();
      int e = c.reserve(stripe);
      h.current(e, c.tick());
      c.recheck(h);
      end.await();
      if (c.reserve(stripe) != e) {
        raced++;
        if (c.servable(h) || !h.isVoid()) {
          overtaken++;
        }
      }
    }
    invalidator.join();
    assertTrue(raced > 0, "no invalidation came after a reservation");
    assertEquals(0, overtaken, "copies left servable after an invalidation overtook them, of " + raced);
  }

  @Test
  void everythingGoesOnAFlushAndNothingIsKeptWhileNotReady() {
    NearCoherence c = new NearCoherence();
    c.ready(true);
    NearHolder<String> a = copy(c, "a");
    c.invalidatedAll();
    assertFalse(c.servable(a));
    NearHolder<String> b = copy(c, "b");
    c.ready(false);
    assertFalse(c.servable(b), "a disconnect drops every copy");
    NearHolder<String> whileDown = copy(c, "c");
    assertEquals(NearCoherence.VOID, whileDown.epoch(), "no reservation while notifications are off");
    c.ready(true);
    assertFalse(c.servable(whileDown), "what was read while they were off stays unservable");
    assertTrue(c.servable(copy(c, "c")));
  }

  @Test
  void aCopyOlderThanTheMaximumAgeIsAMiss() throws Exception {
    NearCoherence c = new NearCoherence();
    c.ready(true);
    java.util.concurrent.ScheduledFuture<?> ticker = NearCoherence.tickEvery(c, 80);
    try {
      NearHolder<String> a = copy(c, "a");
      long start = c.tick();
      while (c.tick() - start < NearCoherence.MAX_AGE_TICKS) {
        assertTrue(c.servable(a) || c.tick() - a.tick() >= NearCoherence.MAX_AGE_TICKS);
        Thread.sleep(5);
      }
      assertFalse(c.servable(a), "past its maximum age");
    } finally {
      ticker.cancel(false);
    }
  }

  /**
   * Age is a difference of ticks, and a tick may come every millisecond: in 32 bits a copy left unread for 2^32 ticks
   * (50 days) would look new again. The ticks are 64-bit, so it stays a miss however long it sat.
   */
  @Test
  void aCopyStaysTooOldWhenTheTicksPassAnyWordSize() {
    NearCoherence c = new NearCoherence();
    c.ready(true);
    NearHolder<String> old = copy(c, "a");
    c.advance(1L << 32);
    assertFalse(c.servable(old), "2^32 ticks old");
    c.advance(1L << 31);
    assertFalse(c.servable(old), "2^32 + 2^31 ticks old");
    NearHolder<String> fresh = copy(c, "b");
    assertTrue(c.servable(fresh), "a copy made now, past those ticks");
    c.advance(NearCoherence.MAX_AGE_TICKS);
    assertFalse(c.servable(fresh));
  }
}
