package io.cairn.jcache;

import java.util.function.LongSupplier;
import javax.cache.expiry.CreatedExpiryPolicy;
import javax.cache.expiry.Duration;
import javax.cache.expiry.EternalExpiryPolicy;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.expiry.ModifiedExpiryPolicy;

/**
 * A cache's expiry rules: its {@code ExpiryPolicy}'s durations turned into absolute times by the cache's one clock.
 * A policy that throws is taken to have said nothing (an unchanged expiry, or eternal at creation), as the spec asks.
 */
final class ExpiryRules {
  static final long ETERNAL = Holder.ETERNAL;

  private final ExpiryPolicy policy;
  private final LongSupplier clock;
  /** The policy never changes expiry on access (the standard eternal, created and modified policies). */
  private final boolean accessNeverReexpires;

  ExpiryRules(ExpiryPolicy policy, LongSupplier clock) {
    this.policy = policy;
    this.clock = clock;
    this.accessNeverReexpires = policy instanceof EternalExpiryPolicy || policy instanceof CreatedExpiryPolicy
        || policy instanceof ModifiedExpiryPolicy;
  }

  /** Whether the policy is the standard eternal one: nothing expires unless given its own expiry. */
  boolean eternal() {
    return policy.getClass() == EternalExpiryPolicy.class;
  }

  ExpiryPolicy policy() {
    return policy;
  }

  LongSupplier clock() {
    return clock;
  }

  long now() {
    return clock.getAsLong();
  }

  /** An absolute expiry {@code d} from {@code now}, which is read only if {@code d} is finite. */
  static long expireAt(Duration d, LongSupplier now) {
    if (d.isEternal()) {
      return ETERNAL;
    }
    long n = now.getAsLong();
    if (d.isZero()) {
      return n;
    }
    long at = d.getAdjustedTime(n);
    return at < 0 ? ETERNAL : at;
  }

  /** The expiry of a new entry; at or before now when the policy says it expires at once. */
  long creation(LongSupplier now) {
    Duration d;
    try {
      d = policy.getExpiryForCreation();
    } catch (Throwable t) {
      d = Duration.ETERNAL;
    }
    return expireAt(d == null ? Duration.ETERNAL : d, now);
  }

  /** The expiry of an entry whose value is replaced, whose expiry was {@code current}. */
  long update(LongSupplier now, long current) {
    try {
      Duration d = policy.getExpiryForUpdate();
      return d == null ? current : expireAt(d, now);
    } catch (Throwable t) {
      return current;
    }
  }

  /** The expiry of an entry that is read, whose expiry was {@code current}. */
  long access(LongSupplier now, long current) {
    try {
      Duration d = policy.getExpiryForAccess();
      return d == null ? current : expireAt(d, now);
    } catch (Throwable t) {
      return current;
    }
  }

  /** Whether an access leaves an entry expiring at {@code expireAt} as it is, so a lock-free hit may serve it. */
  boolean accessUnchanged(long expireAt) {
    if (accessNeverReexpires) {
      return true;
    }
    try {
      Duration d = policy.getExpiryForAccess();
      return d == null || (expireAt == ETERNAL && d.isEternal());
    } catch (Throwable t) {
      return true;
    }
  }
}
