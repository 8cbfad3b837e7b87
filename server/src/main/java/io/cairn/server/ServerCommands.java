package io.cairn.server;

import io.cairn.jcache.CairnCache;
import io.netty.buffer.ByteBuf;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.cache.Cache;

/** INFO, CONFIG, COMMAND, TIME and SHUTDOWN. */
final class ServerCommands {
  private ServerCommands() {}

  private static final List<String> DEFAULT_SECTIONS = List.of("server", "clients", "memory", "persistence", "stats",
      "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");

  static void info(Session s, byte[][] a) {
    List<String> sections = new ArrayList<>();
    boolean all = false;
    for (int i = 1; i < a.length; i++) {
      String sec = Session.latin1(a[i]).toLowerCase(Locale.ROOT);
      switch (sec) {
        case "all", "everything" -> all = true;
        case "default" -> sections.addAll(DEFAULT_SECTIONS);
        default -> sections.add(sec);
      }
    }
    if (a.length == 1) {
      sections.addAll(DEFAULT_SECTIONS);
    }
    if (all) {
      sections = new ArrayList<>(DEFAULT_SECTIONS);
      sections.add(sections.size() - 1, "commandstats");
    }
    StringBuilder sb = new StringBuilder();
    for (String sec : sections) {
      String body = section(s.server, sec);
      if (body != null) {
        if (sb.length() > 0) {
          sb.append("\r\n");
        }
        sb.append(body);
      }
    }
    Reply.verbatim(s.out(), s.proto, sb.toString());
  }

  /** One INFO section with the fields Redis 7 prints (and a few cairn_* ones), or null for an unknown name. */
  static String section(CairnServer server, String name) {
    StringBuilder b = new StringBuilder();
    long now = System.currentTimeMillis();
    ServerConfig c = server.config;
    ServerStats st = server.stats;
    switch (name) {
      case "server" -> {
        long up = (now - server.startedMillis) / 1000;
        b.append("# Server\r\n");
        line(b, "redis_version", CairnServer.REDIS_VERSION);
        line(b, "redis_git_sha1", "00000000");
        line(b, "redis_git_dirty", "0");
        line(b, "redis_build_id", "cairn");
        line(b, "redis_mode", "standalone");
        line(b, "cairn_version", CairnServer.CAIRN_VERSION);
        line(b, "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"));
        line(b, "arch_bits", "64");
        line(b, "multiplexing_api", server.transport());
        line(b, "gcc_version", "0.0.0");
        line(b, "java_version", System.getProperty("java.version"));
        line(b, "process_id", String.valueOf(ProcessHandle.current().pid()));
        line(b, "process_supervised", "no");
        line(b, "run_id", server.runId);
        line(b, "tcp_port", String.valueOf(c.port));
        line(b, "server_time_usec", String.valueOf(now * 1000));
        line(b, "uptime_in_seconds", String.valueOf(up));
        line(b, "uptime_in_days", String.valueOf(up / 86400));
        line(b, "hz", "10");
        line(b, "configured_hz", "10");
        line(b, "lru_clock", String.valueOf((now / 1000) & ((1 << 24) - 1)));
        line(b, "executable", "cairn-server");
        line(b, "config_file", c.source.equals("defaults") ? "" : c.source);
        line(b, "io_threads_active", "1");
      }
      case "clients" -> {
        b.append("# Clients\r\n");
        long pubsub = server.sessions().stream().filter(x -> x.subscriptions.count() > 0).count();
        line(b, "connected_clients", String.valueOf(server.connectedClients()));
        line(b, "cluster_connections", "0");
        line(b, "maxclients", String.valueOf(c.maxclients));
        line(b, "client_recent_max_input_buffer", "0");
        line(b, "client_recent_max_output_buffer", "0");
        line(b, "blocked_clients", "0");
        line(b, "tracking_clients", String.valueOf(server.tracking.clients()));
        line(b, "pubsub_clients", String.valueOf(pubsub));
        line(b, "clients_in_timeout_table", "0");
      }
      case "memory" -> {
        Runtime rt = Runtime.getRuntime();
        long used = rt.totalMemory() - rt.freeMemory();
        b.append("# Memory\r\n");
        line(b, "used_memory", String.valueOf(used));
        line(b, "used_memory_human", human(used));
        line(b, "used_memory_rss", String.valueOf(rt.totalMemory()));
        line(b, "used_memory_rss_human", human(rt.totalMemory()));
        line(b, "used_memory_peak", String.valueOf(rt.totalMemory()));
        line(b, "used_memory_peak_human", human(rt.totalMemory()));
        line(b, "total_system_memory", String.valueOf(rt.maxMemory()));
        line(b, "maxmemory", "0");
        line(b, "maxmemory_human", "0B");
        line(b, "maxmemory_policy", "noeviction");
        line(b, "mem_fragmentation_ratio", "1.00");
        line(b, "mem_allocator", "jvm");
        line(b, "cairn_heap_max", String.valueOf(rt.maxMemory()));
      }
      case "persistence" -> {
        int persistent = 0;
        for (int i = 0; i < server.keyspace.size(); i++) {
          if (server.keyspace.get(i).settings.persistent()) {
            persistent++;
          }
        }
        b.append("# Persistence\r\n");
        line(b, "loading", "0");
        line(b, "async_loading", "0");
        line(b, "rdb_changes_since_last_save", "0");
        line(b, "rdb_bgsave_in_progress", server.saves.inProgress() ? "1" : "0");
        line(b, "rdb_last_save_time", String.valueOf(server.saves.lastSaveSeconds()));
        line(b, "rdb_last_bgsave_status", server.saves.lastOk() ? "ok" : "err");
        line(b, "aof_enabled", "0");
        line(b, "aof_rewrite_in_progress", "0");
        line(b, "aof_last_write_status", "ok");
        line(b, "cairn_persistent_databases", String.valueOf(persistent));
      }
      case "stats" -> {
        b.append("# Stats\r\n");
        line(b, "total_connections_received", String.valueOf(st.connectionsReceived.sum()));
        line(b, "total_commands_processed", String.valueOf(st.commands.sum()));
        line(b, "instantaneous_ops_per_sec", String.valueOf(st.opsPerSecond));
        line(b, "total_net_input_bytes", String.valueOf(st.inputBytes.sum()));
        line(b, "total_net_output_bytes", String.valueOf(st.outputBytes.sum()));
        line(b, "rejected_connections", String.valueOf(st.rejectedConnections.sum()));
        line(b, "expired_keys", String.valueOf(st.expiredKeys.sum()));
        line(b, "evicted_keys", String.valueOf(st.evictedKeys.sum()));
        line(b, "evicted_clients", "0");
        line(b, "keyspace_hits", String.valueOf(st.keyspaceHits.sum()));
        line(b, "keyspace_misses", String.valueOf(st.keyspaceMisses.sum()));
        line(b, "pubsub_channels", String.valueOf(server.pubsub.channelCount()));
        line(b, "pubsub_patterns", String.valueOf(server.pubsub.numpat()));
        line(b, "total_error_replies", String.valueOf(st.errorReplies.sum()));
        line(b, "unexpected_error_replies", "0");
        line(b, "acl_access_denied_auth", String.valueOf(st.failedAuths.sum()));
        line(b, "tracking_total_keys", String.valueOf(server.tracking.trackedKeys()));
        line(b, "tracking_total_prefixes", String.valueOf(server.tracking.prefixCount()));
        line(b, "client_output_buffer_limit_disconnections", String.valueOf(st.outputLimitDisconnections.sum()));
        line(b, "cairn_protocol_errors", String.valueOf(st.protocolErrors.sum()));
        line(b, "cairn_timed_out_clients", String.valueOf(st.timedOut.sum()));
      }
      case "replication" -> {
        b.append("# Replication\r\n");
        line(b, "role", "master");
        line(b, "connected_slaves", "0");
        line(b, "master_failover_state", "no-failover");
        line(b, "master_replid", server.runId);
        line(b, "master_repl_offset", "0");
      }
      case "cpu" -> {
        long cpuNanos = 0;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
          cpuNanos = os.getProcessCpuTime();
        }
        b.append("# CPU\r\n");
        line(b, "used_cpu_sys", String.format(Locale.ROOT, "%.6f", 0.0));
        line(b, "used_cpu_user", String.format(Locale.ROOT, "%.6f", cpuNanos / 1e9));
      }
      case "modules" -> b.append("# Modules\r\n");
      case "errorstats" -> b.append("# Errorstats\r\n");
      case "cluster" -> {
        b.append("# Cluster\r\n");
        line(b, "cluster_enabled", "0");
      }
      case "commandstats" -> {
        b.append("# Commandstats\r\n");
        for (Command cmd : server.commands.all()) {
          for (Command x : cmd.subcommands == null ? List.of(cmd) : cmd.subcommands.values()) {
            long n = x.calls.sum();
            if (n > 0) {
              line(b, "cmdstat_" + x.fullName, "calls=" + n + ",usec=0,usec_per_call=0.00,rejected_calls=0,"
                  + "failed_calls=0");
            }
          }
        }
      }
      case "keyspace" -> {
        b.append("# Keyspace\r\n");
        for (int i = 0; i < server.keyspace.size(); i++) {
          Database db = server.keyspace.get(i);
          long keys = 0;
          long expires = 0;
          for (Cache.Entry<Key, byte[]> e : db.cache) {
            keys++;
            if (db.cairn.getExpiry(e.getKey()) != CairnCache.ETERNAL) {
              expires++;
            }
          }
          if (keys > 0) {
            line(b, "db" + i, "keys=" + keys + ",expires=" + expires + ",avg_ttl=0");
          }
        }
      }
      default -> {
        return null;
      }
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String k, String v) {
    b.append(k).append(':').append(v).append("\r\n");
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + "B";
    }
    String[] units = {"K", "M", "G", "T"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.2f%s", v, units[u]);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // CONFIG

  static void configGet(Session s, byte[][] a) {
    Map<String, String> visible = s.server.config.visible();
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 2; i < a.length; i++) {
      byte[] p = Session.latin1(a[i]).toLowerCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      for (Map.Entry<String, String> e : visible.entrySet()) {
        if (Glob.matches(p, Session.ascii(e.getKey()))) {
          out.put(e.getKey(), e.getValue());
        }
      }
    }
    ByteBuf b = s.out();
    Reply.map(b, s.proto, out.size());
    for (Map.Entry<String, String> e : out.entrySet()) {
      Reply.bulk(b, e.getKey());
      Reply.bulk(b, e.getValue());
    }
  }

  static void configSet(Session s, byte[][] a) {
    if ((a.length - 2) % 2 != 0) {
      s.error("ERR Unknown option or number of arguments for CONFIG SET - '" + Session.latin1(a[a.length - 1])
          + "'");
      return;
    }
    for (int i = 2; i < a.length; i += 2) {
      String key = Session.latin1(a[i]).toLowerCase(Locale.ROOT);
      if (!ServerConfig.SETTABLE.contains(key)) {
        s.error("ERR Unknown option or number of arguments for CONFIG SET - '" + Session.latin1(a[i]) + "'");
        return;
      }
    }
    ServerConfig c = s.server.config;
    for (int i = 2; i < a.length; i += 2) {
      String key = Session.latin1(a[i]).toLowerCase(Locale.ROOT);
      String value = new String(a[i + 1], java.nio.charset.StandardCharsets.UTF_8);
      try {
        List<String> words = key.equals("client-output-buffer-limit") ? Args.split(value) : List.of(value);
        if (words == null) {
          throw new IllegalArgumentException("unbalanced quotes");
        }
        c.apply(key, key.equals("requirepass") && value.isEmpty() ? List.of() : words, "CONFIG SET");
        if (key.equals("requirepass")) {
          s.server.users.setRequirepass(c.requirepass);
        }
      } catch (IllegalArgumentException e) {
        String msg = key.equals("requirepass") ? "bad password" : e.getMessage();
        s.error("ERR CONFIG SET failed (possibly related to argument '" + key + "') - " + msg);
        return;
      }
    }
    Reply.ok(s.out());
  }

  static void configResetstat(Session s, byte[][] a) {
    s.server.stats.reset();
    for (Command cmd : s.server.commands.all()) {
      cmd.calls.reset();
      if (cmd.subcommands != null) {
        cmd.subcommands.values().forEach(x -> x.calls.reset());
      }
    }
    Reply.ok(s.out());
  }

  static void configHelp(Session s, byte[][] a) {
    Help.reply(s, "CONFIG", List.of(
        "GET <pattern>", "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>", "    Set the configuration <directive> to <value>.",
        "RESETSTAT", "    Reset statistics reported by the INFO command."));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // COMMAND

  static void command(Session s, byte[][] a) {
    List<Command> all = s.server.commands.all();
    ByteBuf b = s.out();
    Reply.array(b, all.size());
    for (Command c : all) {
      commandInfo(s, b, c);
    }
  }

  static void commandCount(Session s, byte[][] a) {
    Reply.integer(s.out(), s.server.commands.all().size());
  }

  static void commandList(Session s, byte[][] a) {
    byte[] pattern = null;
    if (a.length > 2) {
      if (a.length == 5 && Session.latin1(a[2]).equalsIgnoreCase("filterby")
          && Session.latin1(a[3]).equalsIgnoreCase("pattern")) {
        pattern = a[4];
      } else {
        s.error(Errors.SYNTAX);
        return;
      }
    }
    List<String> names = new ArrayList<>();
    for (Command c : s.server.commands.all()) {
      if (pattern == null || Glob.matches(pattern, Session.ascii(c.name))) {
        names.add(c.name);
      }
      if (c.subcommands != null) {
        for (Command x : c.subcommands.values()) {
          if (pattern == null || Glob.matches(pattern, Session.ascii(x.fullName))) {
            names.add(x.fullName);
          }
        }
      }
    }
    ByteBuf b = s.out();
    Reply.array(b, names.size());
    for (String n : names) {
      Reply.bulk(b, n);
    }
  }

  static void commandInfo(Session s, byte[][] a) {
    ByteBuf b = s.out();
    if (a.length == 2) {
      command(s, a);
      return;
    }
    Reply.array(b, a.length - 2);
    for (int i = 2; i < a.length; i++) {
      Command c = s.server.commands.lookup(a[i]);
      if (c == null) {
        Reply.nullArray(b, s.proto);
      } else {
        commandInfo(s, b, c);
      }
    }
  }

  private static void commandInfo(Session s, ByteBuf b, Command c) {
    Reply.array(b, 10);
    Reply.bulk(b, c.fullName);
    Reply.integer(b, c.arity);
    List<String> flags = c.flagNames();
    Reply.set(b, s.proto, flags.size());
    for (String f : flags) {
      Reply.simple(b, f);
    }
    Reply.integer(b, c.firstKey);
    Reply.integer(b, c.lastKey);
    Reply.integer(b, c.keyStep);
    List<String> cats = c.categories();
    Reply.set(b, s.proto, cats.size());
    for (String x : cats) {
      Reply.simple(b, x);
    }
    Reply.set(b, s.proto, 0);
    Reply.array(b, 0);
    if (c.subcommands == null) {
      Reply.array(b, 0);
    } else {
      Reply.array(b, c.subcommands.size());
      for (Command x : c.subcommands.values()) {
        commandInfo(s, b, x);
      }
    }
  }

  static void commandDocs(Session s, byte[][] a) {
    List<Command> cmds = new ArrayList<>();
    if (a.length == 2) {
      cmds.addAll(s.server.commands.all());
    } else {
      for (int i = 2; i < a.length; i++) {
        Command c = s.server.commands.lookup(a[i]);
        if (c != null) {
          cmds.add(c);
        }
      }
    }
    ByteBuf b = s.out();
    Reply.map(b, s.proto, cmds.size());
    for (Command c : cmds) {
      Reply.bulk(b, c.fullName);
      docs(s, b, c);
    }
  }

  private static void docs(Session s, ByteBuf b, Command c) {
    boolean subs = c.subcommands != null;
    Reply.map(b, s.proto, subs ? 4 : 3);
    Reply.bulk(b, "summary");
    Reply.bulk(b, c.summary);
    Reply.bulk(b, "since");
    Reply.bulk(b, c.since);
    Reply.bulk(b, "group");
    Reply.bulk(b, c.group);
    if (subs) {
      Reply.bulk(b, "subcommands");
      Reply.map(b, s.proto, c.subcommands.size());
      for (Command x : c.subcommands.values()) {
        Reply.bulk(b, x.fullName);
        docs(s, b, x);
      }
    }
  }

  static void commandHelp(Session s, byte[][] a) {
    Help.reply(s, "COMMAND", List.of(
        "(no subcommand)", "    Return details about all Redis commands.",
        "COUNT", "    Return the total number of commands in this Redis server.",
        "LIST", "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]", "    Return details about multiple Redis commands.",
        "DOCS [<command-name> ...]", "    Return documentation details about multiple Redis commands."));
  }

  // ---------------------------------------------------------------------------------------------------------------

  static void slowlogGet(Session s, byte[][] a) {
    long count = 10;
    if (a.length > 3) {
      String sub = Session.cstr(a[1]);
      s.error("ERR unknown subcommand or wrong number of arguments for '" + sub.substring(0, Math.min(128,
          sub.length())) + "'. Try SLOWLOG HELP.");
      return;
    }
    if (a.length == 3) {
      try {
        count = Numbers.parseLong(a[2]);
      } catch (Numbers.NotANumber e) {
        count = -2;
      }
      if (count < -1) {
        s.error("ERR count should be greater than or equal to -1");
        return;
      }
    }
    List<SlowLog.Entry> entries = s.server.slowlog.newest(count);
    ByteBuf b = s.out();
    Reply.array(b, entries.size());
    for (SlowLog.Entry e : entries) {
      Reply.array(b, 6);
      Reply.integer(b, e.id());
      Reply.integer(b, e.unixSeconds());
      Reply.integer(b, e.micros());
      Reply.array(b, e.args().length);
      for (byte[] arg : e.args()) {
        Reply.bulk(b, arg);
      }
      Reply.bulk(b, e.peer());
      Reply.bulk(b, e.name());
    }
  }

  static void slowlogLen(Session s, byte[][] a) {
    Reply.integer(s.out(), s.server.slowlog.size());
  }

  static void slowlogReset(Session s, byte[][] a) {
    s.server.slowlog.reset();
    Reply.ok(s.out());
  }

  static void slowlogHelp(Session s, byte[][] a) {
    Help.reply(s, "SLOWLOG", List.of(
        "GET [<count>]", "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:", "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN", "    Return the length of the slowlog.",
        "RESET", "    Reset the slowlog."));
  }

  /** ROLE: a Cairn server is a master without replicas (replication is not supported). */
  static void role(Session s, byte[][] a) {
    ByteBuf b = s.out();
    Reply.array(b, 3);
    Reply.bulk(b, "master");
    Reply.integer(b, 0);
    Reply.array(b, 0);
  }

  /**
   * MONITOR: from now on this connection is sent a line for every command the server runs (see {@link Monitors}).
   * As in Redis, a connection already monitoring gets no reply, and inside EXEC it is refused.
   */
  static void monitor(Session s, byte[][] a) {
    if (s.locked) {
      s.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
      return;
    }
    if (s.server.monitors.contains(s)) {
      return;
    }
    s.server.monitors.add(s);
    Reply.ok(s.out());
  }

  static void time(Session s, byte[][] a) {
    java.time.Instant now = java.time.Instant.now();
    ByteBuf b = s.out();
    Reply.array(b, 2);
    Reply.bulk(b, String.valueOf(now.getEpochSecond()));
    Reply.bulk(b, String.valueOf(now.getNano() / 1000));
  }

  /** SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE]: either way every persistent database is flushed and closed. */
  static void shutdown(Session s, byte[][] a) {
    for (int i = 1; i < a.length; i++) {
      String o = Session.latin1(a[i]).toLowerCase(Locale.ROOT);
      if (o.equals("abort")) {
        s.error("ERR No shutdown in progress.");
        return;
      }
      if (!List.of("nosave", "save", "now", "force").contains(o)) {
        s.error(Errors.SYNTAX);
        return;
      }
    }
    s.server.log("SHUTDOWN from client id=" + s.id + ": flushing and closing the databases");
    s.closeAfterReply = true;
    s.server.shutdownSoon();
  }
}
