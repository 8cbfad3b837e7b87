package io.cairn.samples;

import io.cairn.jcache.BidiCache;
import io.cairn.jcache.CairnConfiguration;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.expiry.Duration;
import javax.cache.expiry.TouchedExpiryPolicy;

/**
 * Session tokens and user ids, looked up both ways: a bidirectional Cairn cache maps token to user id, and asks by
 * value for a user's current session. A user has one session at a time: logging in again moves the user id to the
 * new token ({@code forcePut}), which ends the old session. Sessions last 30 minutes from their last use and survive
 * a restart (the cache is persistent).
 *
 * <pre>mvn -pl samples -am -q exec:java -Dexec.mainClass=io.cairn.samples.SessionTokens</pre>
 */
public final class SessionTokens implements AutoCloseable {
  private final CacheManager manager;
  private final Cache<String, Long> sessions;
  private final BidiCache<String, Long> byUser;

  @SuppressWarnings("unchecked")
  public SessionTokens(Path dataDir) {
    manager = Caching.getCachingProvider("io.cairn.jcache.CairnCachingProvider")
        .getCacheManager(URI.create("urn:cairn:sessions-sample"), SessionTokens.class.getClassLoader());
    CairnConfiguration<String, Long> config = new CairnConfiguration<String, Long>()
        .setBidirectional(true)
        .setPersistent(true)
        .setDirectory(dataDir)
        .setHeapEntries(10_000);
    config.setTypes(String.class, Long.class)
        .setExpiryPolicyFactory(TouchedExpiryPolicy.factoryOf(new Duration(TimeUnit.MINUTES, 30)));
    Cache<String, Long> existing = manager.getCache("sessions", String.class, Long.class);
    sessions = existing != null ? existing : manager.createCache("sessions", config);
    byUser = sessions.unwrap(BidiCache.class);
  }

  /** Starts a session for {@code userId}, ending the user's previous one; returns the new token. */
  public String login(long userId) {
    String token = UUID.randomUUID().toString();
    byUser.forcePut(token, userId);
    return token;
  }

  /** The user a token belongs to, or null if the session ended or never existed. */
  public Long userOf(String token) {
    return sessions.get(token);
  }

  /** The token of the user's live session, or null. */
  public String sessionOf(long userId) {
    return byUser.getKey(userId);
  }

  public boolean logout(long userId) {
    return byUser.removeValue(userId);
  }

  @Override
  public void close() {
    manager.close();
  }

  public static void main(String[] args) {
    run(Path.of(args.length > 0 ? args[0] : "cairn-data/sessions-sample"), System.out);
  }

  /** The sample's story, printed to {@code out}. */
  static void run(Path dataDir, PrintStream out) {
    String aliceToken;
    try (SessionTokens s = new SessionTokens(dataDir)) {
      String first = s.login(42);
      out.println("alice (42) logs in: token " + first);
      aliceToken = s.login(42);
      out.println("alice logs in again: token " + aliceToken);
      out.println("old token " + first + " now belongs to: " + s.userOf(first));
      out.println("alice's session by user id: " + s.sessionOf(42));
      String bob = s.login(7);
      out.println("bob (7) logs in: token " + bob + ", token -> user " + s.userOf(bob));
      out.println("bob logs out: " + s.logout(7) + ", bob's session now: " + s.sessionOf(7));
    }
    try (SessionTokens s = new SessionTokens(dataDir)) {
      out.println("after a restart, alice's session: " + s.sessionOf(42) + " (same token: "
          + aliceToken.equals(s.sessionOf(42)) + ")");
    }
  }
}
