package io.cairn.server;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * MONITOR: the sessions that asked to see every command the server runs, and the line each is sent per command, in
 * Redis's form: {@code +<seconds>.<microseconds> [<db> <ip:port>] "arg" "arg"...} with each argument quoted and
 * escaped as Redis quotes strings ({@code \"}, {@code \\}, {@code \n}, {@code \r}, {@code \t}, {@code \a}, {@code \b},
 * {@code \xHH} for other unprintable bytes). As in Redis, a command is shown once it has run (so a transaction shows
 * MULTI, then its commands as EXEC runs them, then EXEC), commands refused before running (unknown, wrong arity,
 * NOAUTH) and admin commands are not shown, and passwords in AUTH and HELLO ... AUTH are shown as
 * {@code "(redacted)"}. A monitor that does not read is disconnected at the pubsub class's output limit, as a
 * subscriber is (Redis counts a monitor as a normal client, whose default limit is none).
 *
 * <p>Thread-safety: the set is a copy-on-write array; {@link #any} is one volatile read, the whole cost on the
 * command path while nobody monitors.
 */
final class Monitors {
  private static final Session[] NONE = {};
  private static final byte[] REDACTED = "\"(redacted)\"".getBytes(StandardCharsets.US_ASCII);

  private volatile Session[] sessions = NONE;

  boolean any() {
    return sessions.length > 0;
  }

  boolean contains(Session s) {
    for (Session m : sessions) {
      if (m == s) {
        return true;
      }
    }
    return false;
  }

  synchronized void add(Session s) {
    if (!contains(s)) {
      Session[] n = Arrays.copyOf(sessions, sessions.length + 1);
      n[n.length - 1] = s;
      sessions = n;
    }
  }

  synchronized void remove(Session s) {
    Session[] cur = sessions;
    for (int i = 0; i < cur.length; i++) {
      if (cur[i] == s) {
        Session[] n = new Session[cur.length - 1];
        System.arraycopy(cur, 0, n, 0, i);
        System.arraycopy(cur, i + 1, n, i, cur.length - i - 1);
        sessions = n;
        return;
      }
    }
  }

  /** After {@code cmd} ran for {@code from} in database {@code db}: its line to every monitor. */
  void feed(Session from, Command cmd, int db, byte[][] argv) {
    Session[] to = sessions;
    if (to.length == 0 || cmd.is(Command.ADMIN)) {
      return;
    }
    java.time.Instant now = java.time.Instant.now();
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(64);
    String head = "+" + now.getEpochSecond() + "." + String.format("%06d", now.getNano() / 1000) + " [" + db + " "
        + ClientCommand.peer(from) + "] ";
    b.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
    boolean[] redact = redacted(cmd, argv);
    for (int i = 0; i < argv.length; i++) {
      if (i > 0) {
        b.write(' ');
      }
      if (redact != null && redact[i]) {
        b.writeBytes(REDACTED);
      } else {
        quote(b, argv[i]);
      }
    }
    b.write('\r');
    b.write('\n');
    byte[] line = b.toByteArray();
    for (Session m : to) {
      // After the reply of a command the monitor ran itself, as Redis shows a command once it has run.
      m.deliver(line, false);
    }
  }

  /** Which arguments are passwords (null: none): AUTH's, and the user and password after HELLO's AUTH. */
  static boolean[] redacted(Command cmd, byte[][] argv) {
    if (cmd.name.equals("auth")) {
      boolean[] r = new boolean[argv.length];
      Arrays.fill(r, 1, argv.length, true);
      return r;
    }
    if (cmd.name.equals("hello")) {
      boolean[] r = null;
      for (int i = 2; i < argv.length; i++) {
        String opt = Session.latin1(argv[i]);
        if (opt.equalsIgnoreCase("auth") && i + 2 < argv.length) {
          r = r == null ? new boolean[argv.length] : r;
          r[i + 1] = true;
          r[i + 2] = true;
          i += 2;
        } else if (opt.equalsIgnoreCase("setname") && i + 1 < argv.length) {
          i++;
        }
      }
      return r;
    }
    return null;
  }

  /** {@code s} as Redis's sdscatrepr quotes it. */
  static void quote(java.io.ByteArrayOutputStream b, byte[] s) {
    b.write('"');
    for (byte x : s) {
      int c = x & 0xff;
      switch (c) {
        case '\\', '"' -> {
          b.write('\\');
          b.write(c);
        }
        case '\n' -> b.writeBytes(new byte[] {'\\', 'n'});
        case '\r' -> b.writeBytes(new byte[] {'\\', 'r'});
        case '\t' -> b.writeBytes(new byte[] {'\\', 't'});
        case 7 -> b.writeBytes(new byte[] {'\\', 'a'});
        case '\b' -> b.writeBytes(new byte[] {'\\', 'b'});
        default -> {
          if (c >= 0x20 && c < 0x7f) {
            b.write(c);
          } else {
            b.writeBytes(String.format("\\x%02x", c).getBytes(StandardCharsets.US_ASCII));
          }
        }
      }
    }
    b.write('"');
  }
}
