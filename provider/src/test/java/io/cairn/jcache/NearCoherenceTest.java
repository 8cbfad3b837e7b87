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

  @Test
  void anInvalidationDuringOrAfterTheReadVoidsTheCopy() {
    NearCoherence c = new NearCoherence();
    c.ready(true);
    NearHolder<String> a = copy(c, "a");
    assertTrue(c.servable(a));
    int stripe = NearCoherence.stripe(key("b"));
    int reservation = c.reserve(stripe);
    c.invalidated(key("b"));
    assertFalse(c.stillCurrent(stripe, reservation), "an invalidation while the read was on its way voids it");
    NearHolder<String> b = new NearHolder<>("b", "v", Holder.ETERNAL, stripe);
    b.current(reservation, c.tick());
    assertFalse(c.servable(b));
    c.invalidated(key("a"));
    assertFalse(c.servable(a), "an invalidation after the read voids the copy");
    assertTrue(c.servable(copy(c, "a")), "a copy made after it is servable");
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
      int start = c.tick();
      while (c.tick() - start < NearCoherence.MAX_AGE_TICKS) {
        assertTrue(c.servable(a) || c.tick() - a.tick() >= NearCoherence.MAX_AGE_TICKS);
        Thread.sleep(5);
      }
      assertFalse(c.servable(a), "past its maximum age");
    } finally {
      ticker.cancel(false);
    }
  }
}
