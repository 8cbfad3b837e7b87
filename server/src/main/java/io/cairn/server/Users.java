package io.cairn.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may connect: the {@code default} user (with {@code requirepass}, or none) and the configured users, each with
 * passwords or {@code nopass}; every user has all permissions. With a password or any user configured, a connection
 * must AUTH (or HELLO AUTH) before anything but HELLO, AUTH, QUIT and RESET: when users are configured without
 * {@code requirepass}, the default user is disabled rather than left open.
 *
 * <p>Passwords are kept only as SHA-256 digests and compared with {@link MessageDigest#isEqual} (time independent of
 * where they differ and of their lengths); no password is ever logged.
 *
 * <p>Thread-safety: the user map is concurrent; the default user's digest is volatile (CONFIG SET requirepass).
 */
final class Users {
  private record User(boolean enabled, boolean nopass, List<byte[]> digests) {}

  private final Map<String, User> users = new ConcurrentHashMap<>();
  private volatile User defaultUser;

  Users(ServerConfig config) {
    for (ServerConfig.UserSpec u : config.users.values()) {
      users.put(u.name(), new User(u.enabled(), u.nopass(), u.passwords().stream().map(Users::digest).toList()));
    }
    setRequirepass(config.requirepass);
  }

  /** CONFIG SET requirepass: null or empty makes the default user password-free (or disabled, if users exist). */
  void setRequirepass(String password) {
    if (password != null && !password.isEmpty()) {
      defaultUser = new User(true, false, List.of(digest(password)));
    } else {
      defaultUser = new User(users.isEmpty(), true, List.of());
    }
  }

  /** Whether a new connection starts unauthenticated. */
  boolean authRequired() {
    User d = defaultUser;
    return !d.enabled() || !d.nopass();
  }

  /** AUTH's one-argument form is refused when the default user has no password, as in Redis. */
  boolean defaultHasPassword() {
    return !defaultUser.nopass();
  }

  /** Whether {@code user} exists, is on, and {@code password} is one of its passwords (or it needs none). */
  boolean check(String user, byte[] password) {
    User u = user.equals("default") ? defaultUser : users.get(user);
    byte[] given = digest(password);
    boolean match = false;
    if (u != null) {
      for (byte[] d : u.digests()) {
        match |= MessageDigest.isEqual(d, given);
      }
    }
    return u != null && u.enabled() && (u.nopass() || match);
  }

  private static byte[] digest(String password) {
    return digest(password.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] digest(byte[] password) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(password);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
