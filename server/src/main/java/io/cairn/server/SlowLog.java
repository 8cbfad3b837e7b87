package io.cairn.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * SLOWLOG: the most recent commands that ran at least {@code slowlog-log-slower-than} microseconds (negative: none are
 * kept; 0: every command), at most {@code slowlog-max-len} of them, newest first. A command's time runs from the end
 * of the previous command of the same read (or the start of the read) to its end: its parsing and its run under its
 * locks, one clock read per command; no network I/O, no waiting in the event loop (Redis leaves the parsing out). Each entry keeps what Redis keeps: an
 * id, the Unix time, the microseconds, the arguments (at most 32, the last then saying how many more there were; each
 * cut at 128 bytes, saying how many more it had; passwords redacted as MONITOR redacts them), the client's address
 * and name. EXEC is not logged; the commands it runs are, one by one.
 *
 * <p>Thread-safety: a command only reads the threshold (one volatile read) unless it is slow; the log itself is
 * guarded by its monitor, taken by slow commands and by SLOWLOG.
 */
final class SlowLog {
  static final int MAX_ARGS = 32;
  static final int MAX_ARG_BYTES = 128;
  private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

  record Entry(long id, long unixSeconds, long micros, byte[][] args, String peer, String name) {}

  private final ServerConfig config;
  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private long nextId;

  SlowLog(ServerConfig config) {
    this.config = config;
  }

  /** After {@code cmd} ran for {@code micros}: keeps it if it was slow enough. */
  void ran(Session s, Command cmd, byte[][] argv, long micros) {
    long threshold = config.slowlogSlowerThanMicros;
    if (threshold < 0 || micros < threshold || cmd.name.equals("exec")) {
      return;
    }
    int n = Math.min(argv.length, MAX_ARGS);
    boolean[] redact = Monitors.redacted(cmd, argv);
    byte[][] args = new byte[n][];
    for (int i = 0; i < n; i++) {
      if (argv.length > MAX_ARGS && i == n - 1) {
        args[i] = ("... (" + (argv.length - n + 1) + " more arguments)").getBytes(StandardCharsets.US_ASCII);
      } else if (redact != null && redact[i]) {
        args[i] = REDACTED;
      } else if (argv[i].length > MAX_ARG_BYTES) {
        byte[] cut = java.util.Arrays.copyOf(argv[i], MAX_ARG_BYTES);
        byte[] more = ("... (" + (argv[i].length - MAX_ARG_BYTES) + " more bytes)").getBytes(StandardCharsets.US_ASCII);
        args[i] = new byte[cut.length + more.length];
        System.arraycopy(cut, 0, args[i], 0, cut.length);
        System.arraycopy(more, 0, args[i], cut.length, more.length);
      } else {
        args[i] = argv[i].clone();
      }
    }
    String peer = ClientCommand.peer(s);
    long now = System.currentTimeMillis() / 1000;
    synchronized (this) {
      entries.addFirst(new Entry(nextId++, now, micros, args, peer, s.name));
      trim();
    }
  }

  private void trim() {
    long max = config.slowlogMaxLen;
    while (entries.size() > max) {
      entries.removeLast();
    }
  }

  synchronized int size() {
    trim();
    return entries.size();
  }

  synchronized void reset() {
    entries.clear();
  }

  /** Up to {@code count} entries, newest first (count -1: all). */
  synchronized List<Entry> newest(long count) {
    trim();
    List<Entry> out = new ArrayList<>();
    Iterator<Entry> it = entries.iterator();
    while (it.hasNext() && (count < 0 || out.size() < count)) {
      out.add(it.next());
    }
    return out;
  }
}
