package io.cairn.server;

import io.cairn.engine.Durability;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The server's settings, read from a redis.conf-style file ({@code key value...} per line, {@code #} comments, values
 * quoted as Redis quotes them) and then from command-line overrides ({@code --port 6380 --dir data}). A bad setting
 * fails with an {@link IllegalArgumentException} naming the key, the value, where it came from and what is expected.
 *
 * <p>Per-database storage: {@code heap-entries}, {@code disk-bytes}, {@code persistent}, {@code durability},
 * {@code bidi} and {@code memtable-bytes} apply to every database; {@code db.N.<setting>} to database N alone.
 *
 * <p>Thread-safety: filled by one thread before the server starts; the settings that {@code CONFIG SET} may change
 * afterwards are volatile.
 */
final class ServerConfig {
  int port = 6379;
  List<String> bind = List.of("127.0.0.1");
  int databases = 16;
  Path dir = Path.of("cairn-data");
  volatile int maxclients = 10_000;
  /** Seconds a client may stay idle before it is closed; 0 never. */
  volatile long timeoutSeconds;
  volatile long protoMaxBulkLen = 512L * 1024 * 1024;
  /** The most elements a request may announce (Redis 7 accepts up to INT_MAX). */
  volatile long maxMultibulkLen = Integer.MAX_VALUE;
  volatile OutputLimit normalLimit = new OutputLimit(0, 0, 0);
  volatile OutputLimit pubsubLimit = new OutputLimit(32L << 20, 8L << 20, 60);
  volatile long trackingTableMaxKeys = 1_000_000;
  /** SLOWLOG keeps commands that ran at least this many microseconds; negative: none. */
  volatile long slowlogSlowerThanMicros = 10_000;
  /** The most entries SLOWLOG keeps. */
  volatile long slowlogMaxLen = 128;
  /** Event loops serving connections; 0 means one per core. */
  int ioThreads;
  int tcpBacklog = 511;
  /** The default user's password, or null (no password: every connection starts authenticated). */
  volatile String requirepass;
  /** ACL-style users beyond {@code default}, by name. */
  final Map<String, UserSpec> users = new LinkedHashMap<>();
  int tlsPort;
  Path tlsCertFile;
  Path tlsKeyFile;
  String tlsKeyFilePass;
  /** The per-database storage settings, named once: the file and command line, {@code db.N.*}, errors. */
  static final List<String> DATABASE_SETTINGS = List.of("heap-entries", "disk-bytes", "persistent", "durability",
      "bidi", "memtable-bytes");

  DatabaseSettings dbDefaults = DatabaseSettings.DEFAULTS;
  final Map<Integer, List<String[]>> dbOverrides = new LinkedHashMap<>();
  /** Where the settings came from, for messages. */
  String source = "defaults";

  /** A client class's output limit: past {@code hardBytes}, or past {@code softBytes} for {@code softSeconds}. */
  record OutputLimit(long hardBytes, long softBytes, long softSeconds) {
    boolean none() {
      return hardBytes == 0 && softBytes == 0;
    }
  }

  /** A user from a {@code user} line: its name, whether it may log in, its passwords (or none needed). */
  record UserSpec(String name, boolean enabled, List<String> passwords, boolean nopass) {}

  /** Reads {@code file} (may be null) and then the command-line overrides. */
  static ServerConfig load(Path file, List<String> overrides) {
    ServerConfig c = new ServerConfig();
    if (file != null) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the configuration file " + file + ": " + e.getMessage(), e);
      }
      c.source = file.toString();
      String[] lines = text.split("\r?\n", -1);
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        List<String> words = Args.split(line);
        if (words == null) {
          throw new IllegalArgumentException(file + " line " + (i + 1) + ": unbalanced quotes in '" + line + "'");
        }
        c.apply(words.get(0), words.subList(1, words.size()), file + " line " + (i + 1));
      }
    }
    int i = 0;
    while (i < overrides.size()) {
      String a = overrides.get(i);
      if (!a.startsWith("--") || a.length() == 2) {
        throw new IllegalArgumentException("command line: expected --<setting> at '" + a + "'");
      }
      int j = i + 1;
      while (j < overrides.size() && !overrides.get(j).startsWith("--")) {
        j++;
      }
      c.apply(a.substring(2), overrides.subList(i + 1, j), "command line");
      i = j;
    }
    c.check();
    return c;
  }

  private void check() {
    for (int db : dbOverrides.keySet()) {
      if (db >= databases) {
        throw new IllegalArgumentException("db." + db + " is configured but 'databases' is " + databases
            + " (databases are numbered 0 to " + (databases - 1) + ")");
      }
    }
    if (tlsPort != 0 && (tlsCertFile == null || tlsKeyFile == null)) {
      throw new IllegalArgumentException("tls-port " + tlsPort + " needs tls-cert-file and tls-key-file");
    }
    for (int db = 0; db < databases; db++) {
      settingsOf(db);
    }
  }

  /** Database {@code db}'s storage: the defaults with its {@code db.N.*} overrides. */
  DatabaseSettings settingsOf(int db) {
    DatabaseSettings s = dbDefaults;
    for (String[] o : dbOverrides.getOrDefault(db, List.of())) {
      s = storage(s, o[0], o[1], o[2], "db." + db + "." + o[0]);
    }
    return s;
  }

  /** Applies one setting; {@code where} names its origin in errors. */
  void apply(String rawKey, List<String> values, String where) {
    String key = rawKey.toLowerCase(Locale.ROOT);
    if (key.startsWith("db.")) {
      int dot = key.indexOf('.', 3);
      if (dot < 0) {
        throw bad(where, key, String.join(" ", values), "db.<number>.<setting>");
      }
      int db = (int) number(where, key, key.substring(3, dot), 0, Integer.MAX_VALUE, "a database number");
      String setting = key.substring(dot + 1);
      String value = one(where, key, values);
      storage(DatabaseSettings.DEFAULTS, setting, value, where, key);
      dbOverrides.computeIfAbsent(db, k -> new ArrayList<>()).add(new String[] {setting, value, where});
      return;
    }
    if (DATABASE_SETTINGS.contains(key)) {
      dbDefaults = storage(dbDefaults, key, one(where, key, values), where, key);
      return;
    }
    switch (key) {
      case "port" -> port = (int) number(where, key, one(where, key, values), 0, 65535, "a port number (0-65535)");
      case "bind" -> {
        if (values.isEmpty()) {
          throw bad(where, key, "", "one or more addresses");
        }
        bind = List.copyOf(values);
      }
      case "databases" -> databases = (int) number(where, key, one(where, key, values), 1, 10_000,
          "a number of databases (1-10000)");
      case "dir" -> dir = Path.of(one(where, key, values));
      case "maxclients" -> maxclients = (int) number(where, key, one(where, key, values), 1, 1_000_000,
          "a number of clients (1-1000000)");
      case "timeout" -> timeoutSeconds = number(where, key, one(where, key, values), 0, Integer.MAX_VALUE,
          "seconds (0 = never)");
      case "proto-max-bulk-len" -> protoMaxBulkLen = size(where, key, one(where, key, values), 1024,
          Long.MAX_VALUE / 2);
      case "max-multibulk-len" -> maxMultibulkLen = number(where, key, one(where, key, values), 1,
          Integer.MAX_VALUE, "a number of elements (1-2147483647)");
      case "client-output-buffer-limit" -> outputLimits(where, key, values);
      case "tracking-table-max-keys" -> trackingTableMaxKeys = number(where, key, one(where, key, values), 0,
          Long.MAX_VALUE, "a number of keys (0 = no limit)");
      case "slowlog-log-slower-than" -> slowlogSlowerThanMicros = number(where, key, one(where, key, values),
          Long.MIN_VALUE, Long.MAX_VALUE, "microseconds (negative: log nothing, 0: every command)");
      case "slowlog-max-len" -> slowlogMaxLen = number(where, key, one(where, key, values), 0, Long.MAX_VALUE,
          "a number of entries");
      case "io-threads" -> ioThreads = (int) number(where, key, one(where, key, values), 0, 1024,
          "a number of event loops (0 = one per core)");
      case "tcp-backlog" -> tcpBacklog = (int) number(where, key, one(where, key, values), 1, 65535,
          "a backlog length");
      case "requirepass" -> {
        String p = values.isEmpty() ? "" : one(where, key, values);
        requirepass = p.isEmpty() ? null : p;
      }
      case "user" -> user(where, values);
      case "tls-port" -> tlsPort = (int) number(where, key, one(where, key, values), 0, 65535,
          "a port number (0-65535)");
      case "tls-cert-file" -> tlsCertFile = Path.of(one(where, key, values));
      case "tls-key-file" -> tlsKeyFile = Path.of(one(where, key, values));
      case "tls-key-file-pass" -> tlsKeyFilePass = one(where, key, values);
      default -> throw new IllegalArgumentException(where + ": unknown setting '" + rawKey + "'");
    }
  }

  private static DatabaseSettings storage(DatabaseSettings s, String setting, String value, String where,
      String key) {
    return switch (setting) {
      case "heap-entries" -> s.withHeapEntries(number(where, key, value, 1, Long.MAX_VALUE, "a number of entries"));
      case "disk-bytes" -> s.withDiskBytes(size(where, key, value, 0, Long.MAX_VALUE));
      case "persistent" -> s.withPersistent(yesNo(where, key, value));
      case "bidi" -> s.withBidirectional(yesNo(where, key, value));
      case "memtable-bytes" -> s.withMemtableBytes(size(where, key, value, 64 * 1024, 1L << 30));
      case "durability" -> {
        try {
          yield s.withDurability(Durability.valueOf(value.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw bad(where, key, value, "none, buffered or sync");
        }
      }
      default -> throw new IllegalArgumentException(where + ": unknown database setting '" + key
          + "' (expected one of " + String.join(", ", DATABASE_SETTINGS) + ")");
    };
  }

  private void outputLimits(String where, String key, List<String> values) {
    if (values.isEmpty() || values.size() % 4 != 0) {
      throw bad(where, key, String.join(" ", values), "<class> <hard> <soft> <seconds>, class normal or pubsub");
    }
    for (int i = 0; i < values.size(); i += 4) {
      String cls = values.get(i).toLowerCase(Locale.ROOT);
      OutputLimit l = new OutputLimit(size(where, key, values.get(i + 1), 0, Long.MAX_VALUE),
          size(where, key, values.get(i + 2), 0, Long.MAX_VALUE),
          number(where, key, values.get(i + 3), 0, Integer.MAX_VALUE, "seconds"));
      switch (cls) {
        case "normal" -> normalLimit = l;
        case "pubsub" -> pubsubLimit = l;
        case "replica", "slave" -> { } // no replicas here; accepted so a redis.conf line carries over
        default -> throw bad(where, key, cls, "a client class: normal, pubsub or replica");
      }
    }
  }

  /** {@code user <name> [on|off] [>password...] [nopass] [other ACL rules, accepted as "all commands, all keys"]}. */
  private void user(String where, List<String> values) {
    if (values.isEmpty()) {
      throw bad(where, "user", "", "user <name> on >password");
    }
    String name = values.get(0);
    boolean on = false;
    boolean nopass = false;
    List<String> passwords = new ArrayList<>();
    for (String rule : values.subList(1, values.size())) {
      String r = rule.toLowerCase(Locale.ROOT);
      if (r.equals("on")) {
        on = true;
      } else if (r.equals("off")) {
        on = false;
      } else if (rule.startsWith(">")) {
        passwords.add(rule.substring(1));
      } else if (r.equals("nopass")) {
        nopass = true;
      } else if (r.equals("resetpass")) {
        passwords.clear();
        nopass = false;
      } else if (!(r.equals("allkeys") || r.equals("allcommands") || r.equals("allchannels") || r.equals("~*")
          || r.equals("&*") || r.equals("+@all") || r.equals("reset"))) {
        throw new IllegalArgumentException(where + ": user " + name + ": unsupported ACL rule '" + rule
            + "' (Cairn users have all permissions: use on|off, >password, nopass, resetpass, ~*, &*, +@all)");
      }
    }
    if (name.equals("default")) {
      requirepass = nopass || passwords.isEmpty() ? null : passwords.get(0);
      return;
    }
    users.put(name, new UserSpec(name, on, List.copyOf(passwords), nopass));
  }

  private static String one(String where, String key, List<String> values) {
    if (values.size() != 1) {
      throw bad(where, key, String.join(" ", values), "exactly one value");
    }
    return values.get(0);
  }

  static IllegalArgumentException bad(String where, String key, String value, String expected) {
    return new IllegalArgumentException(where + ": bad value for '" + key + "': '" + value + "' (expected "
        + expected + ")");
  }

  private static long number(String where, String key, String v, long min, long max, String expected) {
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw bad(where, key, v, expected);
  }

  private static boolean yesNo(String where, String key, String v) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "yes" -> true;
      case "no" -> false;
      default -> throw bad(where, key, v, "yes or no");
    };
  }

  /** A size as redis.conf writes one: 1k = 1000, 1kb = 1024, likewise m, mb, g, gb. */
  static long size(String where, String key, String v, long min, long max) {
    String s = v.toLowerCase(Locale.ROOT);
    long unit = 1;
    for (String[] u : new String[][] {{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1000"},
        {"m", "1000000"}, {"g", "1000000000"}, {"b", "1"}}) {
      if (s.endsWith(u[0])) {
        unit = Long.parseLong(u[1]);
        s = s.substring(0, s.length() - u[0].length());
        break;
      }
    }
    try {
      long n = Math.multiplyExact(Long.parseLong(s), unit);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException | ArithmeticException e) {
      // reported below
    }
    throw bad(where, key, v, "a size from " + min + (max == Long.MAX_VALUE ? "" : " to " + max)
        + " (k, kb, m, mb, g, gb suffixes allowed)");
  }

  /** The keys {@code CONFIG GET} knows, with their current values as Redis spells them. */
  Map<String, String> visible() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("port", String.valueOf(port));
    m.put("bind", String.join(" ", bind));
    m.put("databases", String.valueOf(databases));
    m.put("dir", dir.toAbsolutePath().toString());
    m.put("maxclients", String.valueOf(maxclients));
    m.put("timeout", String.valueOf(timeoutSeconds));
    m.put("proto-max-bulk-len", String.valueOf(protoMaxBulkLen));
    m.put("client-output-buffer-limit", "normal " + limit(normalLimit) + " slave 0 0 0 pubsub "
        + limit(pubsubLimit));
    m.put("tracking-table-max-keys", String.valueOf(trackingTableMaxKeys));
    m.put("slowlog-log-slower-than", String.valueOf(slowlogSlowerThanMicros));
    m.put("slowlog-max-len", String.valueOf(slowlogMaxLen));
    m.put("requirepass", requirepass == null ? "" : requirepass);
    m.put("io-threads", String.valueOf(ioThreads));
    m.put("tcp-backlog", String.valueOf(tcpBacklog));
    m.put("tls-port", String.valueOf(tlsPort));
    // Redis's own persistence is not used: Cairn's databases keep their data through their disk tiers.
    m.put("save", "");
    m.put("appendonly", "no");
    m.put("maxmemory", "0");
    m.put("maxmemory-policy", "noeviction");
    m.put("notify-keyspace-events", "");
    m.put("cluster-enabled", "no");
    return m;
  }

  private static String limit(OutputLimit l) {
    return l.hardBytes() + " " + l.softBytes() + " " + l.softSeconds();
  }

  /** The keys {@code CONFIG SET} may change while the server runs. */
  static final List<String> SETTABLE = Arrays.asList("timeout", "maxclients", "proto-max-bulk-len",
      "client-output-buffer-limit", "tracking-table-max-keys", "requirepass", "max-multibulk-len",
      "slowlog-log-slower-than", "slowlog-max-len");
}
