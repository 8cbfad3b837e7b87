package io.cairn.server;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A command as the dispatcher and {@code COMMAND INFO} see it: its name, arity (Redis's convention: n exactly, -n at
 * least n), flags, where its keys are (first, last, step; last -1 means "to the end"), its handler, and for a
 * container (CLIENT, CONFIG, ...) its subcommands.
 */
final class Command {
  /** Runs one command; replies go to the session's output buffer. */
  @FunctionalInterface
  interface Handler {
    void run(Session session, byte[][] argv);
  }

  static final int WRITE = 1;
  static final int READONLY = 1 << 1;
  static final int DENYOOM = 1 << 2;
  static final int ADMIN = 1 << 3;
  static final int PUBSUB = 1 << 4;
  static final int NOSCRIPT = 1 << 5;
  static final int LOADING = 1 << 6;
  static final int STALE = 1 << 7;
  static final int FAST = 1 << 8;
  static final int NO_AUTH = 1 << 9;
  static final int ALLOW_BUSY = 1 << 10;
  /** Runs at once inside MULTI instead of being queued (EXEC, DISCARD, MULTI, WATCH, QUIT, RESET). */
  static final int NOT_QUEUED = 1 << 11;
  /** Allowed in a RESP2 connection that has subscriptions (PING, (P)(UN)SUBSCRIBE, QUIT, RESET). */
  static final int IN_SUBSCRIBED = 1 << 12;
  /** Needs the whole keyspace still: every lock stripe (FLUSHDB, FLUSHALL, SWAPDB). */
  static final int WHOLE_KEYSPACE = 1 << 13;
  /** Locks its one key exclusively: it reaches another database under the same key (MOVE). */
  static final int EXCLUSIVE = 1 << 14;

  private static final String[] FLAG_NAMES = {"write", "readonly", "denyoom", "admin", "pubsub", "noscript",
      "loading", "stale", "fast", "no_auth", "allow_busy"};

  final String name;
  final byte[] nameBytes;
  /** "get", or "client|kill" for a subcommand: the name Redis puts in its arity error. */
  final String fullName;
  final int arity;
  final int flags;
  final int firstKey;
  final int lastKey;
  final int keyStep;
  final String group;
  final String summary;
  final String since;
  final Handler handler;
  final Map<String, Command> subcommands;
  final Counter calls = new Counter();

  Command(String name, String fullName, int arity, int flags, int firstKey, int lastKey, int keyStep, String group,
      String since, String summary, Handler handler, Map<String, Command> subcommands) {
    this.name = name;
    this.nameBytes = name.getBytes(StandardCharsets.US_ASCII);
    this.fullName = fullName;
    this.arity = arity;
    this.flags = flags;
    this.firstKey = firstKey;
    this.lastKey = lastKey;
    this.keyStep = keyStep;
    this.group = group;
    this.since = since;
    this.summary = summary;
    this.handler = handler;
    this.subcommands = subcommands;
  }

  boolean is(int flag) {
    return (flags & flag) != 0;
  }

  boolean arityOk(int argc) {
    return arity > 0 ? argc == arity : argc >= -arity;
  }

  /** How many key arguments {@code argv} has. */
  int keyCount(int argc) {
    if (firstKey == 0) {
      return 0;
    }
    int last = lastKey < 0 ? argc + lastKey : lastKey;
    if (last >= argc) {
      last = argc - 1;
    }
    return last < firstKey ? 0 : (last - firstKey) / keyStep + 1;
  }

  /** The {@code i}-th key argument's position in argv. */
  int keyPosition(int i) {
    return firstKey + i * keyStep;
  }

  List<String> flagNames() {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 0; i < FLAG_NAMES.length; i++) {
      if ((flags & (1 << i)) != 0) {
        out.add(FLAG_NAMES[i]);
      }
    }
    return out;
  }

  /** ACL categories as COMMAND INFO lists them. */
  List<String> categories() {
    List<String> out = new java.util.ArrayList<>();
    out.add(is(WRITE) ? "@write" : is(READONLY) ? "@read" : "@connection");
    switch (group) {
      case "string" -> out.add("@string");
      case "generic" -> out.add("@keyspace");
      case "pubsub" -> out.add("@pubsub");
      case "transactions" -> out.add("@transaction");
      case "server" -> out.add("@admin");
      default -> { }
    }
    out.add(is(FAST) ? "@fast" : "@slow");
    if (is(ADMIN)) {
      out.add("@dangerous");
    }
    return out;
  }
}
