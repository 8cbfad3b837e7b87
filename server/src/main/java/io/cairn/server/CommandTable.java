package io.cairn.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every command Cairn serves, with Redis 7's arities, flags and key positions, and a lookup by name that ignores
 * ASCII case without building a String (an open-addressing table over the name bytes).
 *
 * <p>Immutable after {@link #standard} builds it; safe to share.
 */
final class CommandTable {
  private final Command[] slots;
  private final List<Command> all;

  private CommandTable(List<Command> commands) {
    this.all = Collections.unmodifiableList(commands);
    int n = Integer.highestOneBit(commands.size() * 4);
    slots = new Command[n];
    for (Command c : commands) {
      int i = hash(c.nameBytes) & (n - 1);
      while (slots[i] != null) {
        i = (i + 1) & (n - 1);
      }
      slots[i] = c;
    }
  }

  List<Command> all() {
    return all;
  }

  /** The command named {@code name} (any case), or null. */
  Command lookup(byte[] name) {
    int mask = slots.length - 1;
    int i = hash(name) & mask;
    while (true) {
      Command c = slots[i];
      if (c == null) {
        return null;
      }
      if (sameIgnoringCase(c.nameBytes, name)) {
        return c;
      }
      i = (i + 1) & mask;
    }
  }

  private static int hash(byte[] b) {
    int h = 0;
    for (byte x : b) {
      h = 31 * h + lower(x);
    }
    return h ^ (h >>> 16);
  }

  private static int lower(byte x) {
    return x >= 'A' && x <= 'Z' ? x + 32 : x;
  }

  /** Whether {@code b} is {@code lowerName} (lower-case ASCII) in any ASCII case. */
  static boolean sameIgnoringCase(byte[] lowerName, byte[] b) {
    if (lowerName.length != b.length) {
      return false;
    }
    for (int i = 0; i < b.length; i++) {
      if (lowerName[i] != lower(b[i])) {
        return false;
      }
    }
    return true;
  }

  private static int flags(String spec) {
    int f = 0;
    for (String w : spec.split(" ")) {
      f |= switch (w) {
        case "" -> 0;
        case "write" -> Command.WRITE;
        case "readonly" -> Command.READONLY;
        case "denyoom" -> Command.DENYOOM;
        case "admin" -> Command.ADMIN;
        case "pubsub" -> Command.PUBSUB;
        case "noscript" -> Command.NOSCRIPT;
        case "loading" -> Command.LOADING;
        case "stale" -> Command.STALE;
        case "fast" -> Command.FAST;
        case "no_auth" -> Command.NO_AUTH;
        case "allow_busy" -> Command.ALLOW_BUSY;
        case "+notqueued" -> Command.NOT_QUEUED;
        case "+subscribed" -> Command.IN_SUBSCRIBED;
        case "+whole" -> Command.WHOLE_KEYSPACE;
        case "+exclusive" -> Command.EXCLUSIVE;
        default -> throw new IllegalArgumentException("unknown command flag " + w);
      };
    }
    return f;
  }

  /** Collects definitions in order. */
  private static final class Builder {
    final List<Command> commands = new ArrayList<>();

    Command cmd(String name, int arity, String flags, int first, int last, int step, String group, String since,
        String summary, Command.Handler h) {
      Command c = new Command(name, name, arity, flags(flags), first, last, step, group, since, summary, h, null);
      commands.add(c);
      return c;
    }

    void container(String name, String group, String since, String summary, Command... subs) {
      Map<String, Command> m = new LinkedHashMap<>();
      for (Command s : subs) {
        m.put(s.name, s);
      }
      commands.add(new Command(name, name, -2, 0, 0, 0, 0, group, since, summary, null, m));
    }

    static Command sub(String container, String name, int arity, String flags, String since, String summary,
        Command.Handler h) {
      return new Command(name, container + "|" + name, arity, flags(flags), 0, 0, 0, groupOf(container), since,
          summary, h, null);
    }

    /** A subcommand whose key is its third argument ({@code OBJECT ENCODING key}, {@code MEMORY USAGE key}). */
    static Command keyedSub(String container, String name, int arity, String flags, String since, String summary,
        Command.Handler h) {
      return new Command(name, container + "|" + name, arity, flags(flags), 2, 2, 1, groupOf(container), since,
          summary, h, null);
    }

    private static String groupOf(String container) {
      return switch (container) {
        case "client" -> "connection";
        case "object" -> "generic";
        case "pubsub" -> "pubsub";
        default -> "server";
      };
    }
  }

  static CommandTable standard() {
    Builder b = new Builder();
    // Strings
    b.cmd("get", 2, "readonly fast", 1, 1, 1, "string", "1.0.0", "Get the value of a key", StringCommands::get);
    b.cmd("set", -3, "write denyoom", 1, 1, 1, "string", "1.0.0", "Set the string value of a key",
        StringCommands::set);
    b.cmd("setnx", 3, "write denyoom fast", 1, 1, 1, "string", "1.0.0",
        "Set the value of a key, only if the key does not exist", StringCommands::setnx);
    b.cmd("setex", 4, "write denyoom", 1, 1, 1, "string", "2.0.0", "Set the value and expiration of a key",
        StringCommands::setex);
    b.cmd("psetex", 4, "write denyoom", 1, 1, 1, "string", "2.6.0",
        "Set the value and expiration in milliseconds of a key", StringCommands::psetex);
    b.cmd("getset", 3, "write denyoom fast", 1, 1, 1, "string", "1.0.0",
        "Set the string value of a key and return its old value", StringCommands::getset);
    b.cmd("getdel", 2, "write fast", 1, 1, 1, "string", "6.2.0", "Get the value of a key and delete the key",
        StringCommands::getdel);
    b.cmd("getex", -2, "write fast", 1, 1, 1, "string", "6.2.0",
        "Get the value of a key and optionally set its expiration", StringCommands::getex);
    b.cmd("mget", -2, "readonly fast", 1, -1, 1, "string", "1.0.0", "Get the values of all the given keys",
        StringCommands::mget);
    b.cmd("mset", -3, "write denyoom", 1, -1, 2, "string", "1.0.1", "Set multiple keys to multiple values",
        StringCommands::mset);
    b.cmd("msetnx", -3, "write denyoom", 1, -1, 2, "string", "1.0.1",
        "Set multiple keys to multiple values, only if none of the keys exist", StringCommands::msetnx);
    b.cmd("incr", 2, "write denyoom fast", 1, 1, 1, "string", "1.0.0", "Increment the integer value of a key by one",
        StringCommands::incr);
    b.cmd("decr", 2, "write denyoom fast", 1, 1, 1, "string", "1.0.0", "Decrement the integer value of a key by one",
        StringCommands::decr);
    b.cmd("incrby", 3, "write denyoom fast", 1, 1, 1, "string", "1.0.0",
        "Increment the integer value of a key by the given amount", StringCommands::incrby);
    b.cmd("decrby", 3, "write denyoom fast", 1, 1, 1, "string", "1.0.0",
        "Decrement the integer value of a key by the given number", StringCommands::decrby);
    b.cmd("incrbyfloat", 3, "write denyoom fast", 1, 1, 1, "string", "2.6.0",
        "Increment the float value of a key by the given amount", StringCommands::incrbyfloat);
    b.cmd("append", 3, "write denyoom fast", 1, 1, 1, "string", "2.0.0", "Append a value to a key",
        StringCommands::append);
    b.cmd("strlen", 2, "readonly fast", 1, 1, 1, "string", "2.2.0", "Get the length of the value stored in a key",
        StringCommands::strlen);
    b.cmd("getrange", 4, "readonly", 1, 1, 1, "string", "2.4.0", "Get a substring of the string stored at a key",
        StringCommands::getrange);
    b.cmd("substr", 4, "readonly", 1, 1, 1, "string", "1.0.0", "Get a substring of the string stored at a key",
        StringCommands::getrange);
    b.cmd("setrange", 4, "write denyoom", 1, 1, 1, "string", "2.2.0",
        "Overwrite part of a string at key starting at the specified offset", StringCommands::setrange);
    b.cmd("lcs", -3, "readonly", 1, 2, 1, "string", "7.0.0", "Find longest common substring",
        LcsCommand::lcs);
    // Bitmaps
    b.cmd("setbit", 4, "write denyoom", 1, 1, 1, "bitmap", "2.2.0",
        "Sets or clears the bit at offset in the string value stored at key", BitCommands::setbit);
    b.cmd("getbit", 3, "readonly fast", 1, 1, 1, "bitmap", "2.2.0",
        "Returns the bit value at offset in the string value stored at key", BitCommands::getbit);
    b.cmd("bitcount", -2, "readonly", 1, 1, 1, "bitmap", "2.6.0", "Count set bits in a string",
        BitCommands::bitcount);
    b.cmd("bitpos", -3, "readonly", 1, 1, 1, "bitmap", "2.8.7", "Find first bit set or clear in a string",
        BitCommands::bitpos);
    b.cmd("bitop", -4, "write denyoom", 2, -1, 1, "bitmap", "2.6.0", "Perform bitwise operations between strings",
        BitCommands::bitop);
    // Keys
    b.cmd("del", -2, "write", 1, -1, 1, "generic", "1.0.0", "Delete a key", KeyCommands::del);
    b.cmd("unlink", -2, "write fast", 1, -1, 1, "generic", "4.0.0", "Delete a key asynchronously", KeyCommands::del);
    b.cmd("exists", -2, "readonly fast", 1, -1, 1, "generic", "1.0.0", "Determine if a key exists",
        KeyCommands::exists);
    b.cmd("touch", -2, "readonly fast", 1, -1, 1, "generic", "3.2.1",
        "Alters the last access time of a key(s). Returns the number of existing keys specified.", KeyCommands::touch);
    b.cmd("type", 2, "readonly fast", 1, 1, 1, "generic", "1.0.0", "Determine the type stored at key",
        KeyCommands::type);
    b.cmd("expire", -3, "write fast", 1, 1, 1, "generic", "1.0.0", "Set a key's time to live in seconds",
        KeyCommands::expire);
    b.cmd("pexpire", -3, "write fast", 1, 1, 1, "generic", "2.6.0", "Set a key's time to live in milliseconds",
        KeyCommands::pexpire);
    b.cmd("expireat", -3, "write fast", 1, 1, 1, "generic", "1.2.0",
        "Set the expiration for a key as a UNIX timestamp", KeyCommands::expireat);
    b.cmd("pexpireat", -3, "write fast", 1, 1, 1, "generic", "2.6.0",
        "Set the expiration for a key as a UNIX timestamp specified in milliseconds", KeyCommands::pexpireat);
    b.cmd("ttl", 2, "readonly fast", 1, 1, 1, "generic", "1.0.0", "Get the time to live for a key in seconds",
        KeyCommands::ttl);
    b.cmd("pttl", 2, "readonly fast", 1, 1, 1, "generic", "2.6.0", "Get the time to live for a key in milliseconds",
        KeyCommands::pttl);
    b.cmd("expiretime", 2, "readonly fast", 1, 1, 1, "generic", "7.0.0",
        "Get the expiration Unix timestamp for a key", KeyCommands::expiretime);
    b.cmd("pexpiretime", 2, "readonly fast", 1, 1, 1, "generic", "7.0.0",
        "Get the expiration Unix timestamp for a key in milliseconds", KeyCommands::pexpiretime);
    b.cmd("persist", 2, "write fast", 1, 1, 1, "generic", "2.2.0", "Remove the expiration from a key",
        KeyCommands::persist);
    b.cmd("rename", 3, "write", 1, 2, 1, "generic", "1.0.0", "Rename a key", KeyCommands::rename);
    b.cmd("renamenx", 3, "write fast", 1, 2, 1, "generic", "1.0.0", "Rename a key, only if the new key does not exist",
        KeyCommands::renamenx);
    b.cmd("copy", -3, "write denyoom", 1, 2, 1, "generic", "6.2.0", "Copy a key", KeyCommands::copy);
    b.cmd("move", 3, "write fast +exclusive", 1, 1, 1, "generic", "1.0.0", "Move a key to another database",
        KeyCommands::move);
    b.cmd("keys", 2, "readonly", 0, 0, 0, "generic", "1.0.0", "Find all keys matching the given pattern",
        KeyCommands::keys);
    b.cmd("scan", -2, "readonly", 0, 0, 0, "generic", "2.8.0", "Incrementally iterate the keys space",
        KeyCommands::scan);
    b.cmd("randomkey", 1, "readonly", 0, 0, 0, "generic", "1.0.0", "Return a random key from the keyspace",
        KeyCommands::randomkey);
    b.cmd("dbsize", 1, "readonly fast", 0, 0, 0, "server", "1.0.0",
        "Return the number of keys in the selected database", KeyCommands::dbsize);
    b.cmd("flushdb", -1, "write +whole", 0, 0, 0, "server", "1.0.0", "Remove all keys from the current database",
        KeyCommands::flushdb);
    b.cmd("flushall", -1, "write +whole", 0, 0, 0, "server", "1.0.0", "Remove all keys from all databases",
        KeyCommands::flushall);
    b.cmd("select", 2, "loading stale fast", 0, 0, 0, "connection", "1.0.0",
        "Change the selected database for the current connection", KeyCommands::select);
    b.cmd("swapdb", 3, "write fast +whole", 0, 0, 0, "server", "4.0.0", "Swaps two Redis databases",
        KeyCommands::swapdb);
    // Connection
    b.cmd("ping", -1, "fast +subscribed", 0, 0, 0, "connection", "1.0.0", "Ping the server",
        ConnectionCommands::ping);
    b.cmd("echo", 2, "loading stale fast", 0, 0, 0, "connection", "1.0.0", "Echo the given string",
        ConnectionCommands::echo);
    b.cmd("hello", -1, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "connection", "6.0.0",
        "Handshake with Redis", ConnectionCommands::hello);
    b.cmd("auth", -2, "noscript loading stale fast no_auth allow_busy", 0, 0, 0, "connection", "1.0.0",
        "Authenticate to the server", ConnectionCommands::auth);
    b.cmd("quit", -1, "noscript loading stale fast no_auth allow_busy +notqueued +subscribed", 0, 0, 0,
        "connection", "1.0.0", "Close the connection", ConnectionCommands::quit);
    b.cmd("reset", 1, "noscript loading stale fast no_auth allow_busy +notqueued +subscribed", 0, 0, 0,
        "connection", "6.2.0", "Reset the connection", ConnectionCommands::reset);
    b.container("client", "connection", "2.4.0", "A container for client connection commands",
        Builder.sub("client", "id", 2, "noscript loading stale", "5.0.0", "Returns the client ID for the current "
            + "connection", ClientCommand::id),
        Builder.sub("client", "setname", 3, "noscript loading stale", "2.6.9", "Set the current connection name",
            ClientCommand::setname),
        Builder.sub("client", "getname", 2, "noscript loading stale", "2.6.9", "Get the current connection name",
            ClientCommand::getname),
        Builder.sub("client", "setinfo", 4, "noscript loading stale", "7.2.0", "Set client or connection specific "
            + "info", ClientCommand::setinfo),
        Builder.sub("client", "info", 2, "noscript loading stale", "6.2.0", "Returns information about the current "
            + "client connection.", ClientCommand::info),
        Builder.sub("client", "list", -2, "admin noscript loading stale", "2.4.0", "Get the list of client "
            + "connections", ClientCommand::list),
        Builder.sub("client", "kill", -3, "admin noscript loading stale", "2.4.0", "Kill the connection of a client",
            ClientCommand::kill),
        Builder.sub("client", "tracking", -3, "noscript loading stale", "6.0.0", "Enable or disable server assisted "
            + "client side caching support", ClientCommand::tracking),
        Builder.sub("client", "caching", 3, "noscript loading stale", "6.0.0", "Instruct the server about tracking "
            + "or not keys in the next request", ClientCommand.CACHING),
        Builder.sub("client", "getredir", 2, "noscript loading stale", "6.0.0", "Get tracking notifications "
            + "redirection client ID if any", ClientCommand::getredir),
        Builder.sub("client", "trackinginfo", 2, "noscript loading stale", "6.2.0", "Return information about "
            + "server assisted client side caching for the current connection", ClientCommand::trackinginfo),
        Builder.sub("client", "no-evict", 3, "admin noscript loading stale", "7.0.0", "Set client eviction mode for "
            + "the current connection", ClientCommand::noEvict),
        Builder.sub("client", "no-touch", 3, "noscript loading stale", "7.2.0", "Controls whether commands sent by "
            + "the client will alter the LRU/LFU of the keys they access.", ClientCommand::noTouch),
        Builder.sub("client", "help", 2, "loading stale", "5.0.0", "Show helpful text about the different "
            + "subcommands", ClientCommand::help));
    // Server
    b.cmd("info", -1, "loading stale", 0, 0, 0, "server", "1.0.0", "Get information and statistics about the server",
        ServerCommands::info);
    b.container("config", "server", "2.0.0", "A container for server configuration commands",
        Builder.sub("config", "get", -3, "admin noscript loading stale", "2.0.0", "Get the values of configuration "
            + "parameters", ServerCommands::configGet),
        Builder.sub("config", "set", -4, "admin noscript loading stale", "2.0.0", "Set configuration parameters to "
            + "the given values", ServerCommands::configSet),
        Builder.sub("config", "resetstat", 2, "admin noscript loading stale", "2.0.0", "Reset the stats returned by "
            + "INFO", ServerCommands::configResetstat),
        Builder.sub("config", "help", 2, "loading stale", "5.0.0", "Show helpful text about the different "
            + "subcommands", ServerCommands::configHelp));
    b.commands.add(new Command("command", "command", -1, flags("loading stale"), 0, 0, 0, "server", "2.8.13",
        "Get array of Redis command details", ServerCommands::command, commandSubcommands()));
    b.container("slowlog", "server", "2.2.12", "A container for slow log commands",
        Builder.sub("slowlog", "get", -2, "admin loading stale", "2.2.12", "Get the slow log's entries",
            ServerCommands::slowlogGet),
        Builder.sub("slowlog", "len", 2, "admin loading stale", "2.2.12", "Get the slow log's length",
            ServerCommands::slowlogLen),
        Builder.sub("slowlog", "reset", 2, "admin loading stale", "2.2.12", "Clear all entries from the slow log",
            ServerCommands::slowlogReset),
        Builder.sub("slowlog", "help", 2, "loading stale", "6.2.0", "Show helpful text about the different "
            + "subcommands", ServerCommands::slowlogHelp));
    b.container("object", "generic", "2.2.3", "A container for object introspection commands",
        Builder.keyedSub("object", "encoding", 3, "readonly", "2.2.3", "Inspect the internal encoding of a Redis "
            + "object", IntrospectionCommands::objectEncoding),
        Builder.keyedSub("object", "refcount", 3, "readonly", "2.2.3", "Get the number of references to the value of "
            + "the key", IntrospectionCommands::objectRefcount),
        Builder.keyedSub("object", "idletime", 3, "readonly", "2.2.3", "Get the time since a Redis object was last "
            + "accessed", IntrospectionCommands::objectIdletime),
        Builder.keyedSub("object", "freq", 3, "readonly", "4.0.0", "Get the logarithmic access frequency counter of "
            + "a Redis object", IntrospectionCommands::objectFreq),
        Builder.sub("object", "help", 2, "loading stale", "6.2.0", "Show helpful text about the different "
            + "subcommands", IntrospectionCommands::objectHelp));
    b.container("memory", "server", "4.0.0", "A container for memory diagnostics commands",
        Builder.keyedSub("memory", "usage", -3, "readonly", "4.0.0", "Estimate the memory usage of a key",
            IntrospectionCommands::memoryUsage),
        Builder.sub("memory", "stats", 2, "", "4.0.0", "Show memory usage details",
            IntrospectionCommands::memoryStats),
        Builder.sub("memory", "doctor", 2, "", "4.0.0", "Outputs memory problems report",
            IntrospectionCommands::memoryDoctor),
        Builder.sub("memory", "malloc-stats", 2, "", "4.0.0", "Show allocator internal stats",
            IntrospectionCommands::memoryMallocStats),
        Builder.sub("memory", "purge", 2, "", "4.0.0", "Ask the allocator to release memory",
            IntrospectionCommands::memoryPurge),
        Builder.sub("memory", "help", 2, "loading stale", "4.0.0", "Show helpful text about the different "
            + "subcommands", IntrospectionCommands::memoryHelp));
    b.cmd("wait", 3, "noscript", 0, 0, 0, "generic", "3.0.0",
        "Wait for the synchronous replication of all the write commands sent in the context of the current "
            + "connection", IntrospectionCommands::waitReplicas);
    b.cmd("save", 1, "admin noscript", 0, 0, 0, "server", "1.0.0",
        "Synchronously save the dataset to disk", Saves::saveCommand);
    b.cmd("bgsave", -1, "admin noscript", 0, 0, 0, "server", "1.0.0",
        "Asynchronously save the dataset to disk", Saves::bgsaveCommand);
    b.cmd("lastsave", 1, "loading stale fast", 0, 0, 0, "server", "1.0.0",
        "Get the UNIX time stamp of the last successful save to disk", Saves::lastsaveCommand);
    b.cmd("role", 1, "noscript loading stale fast", 0, 0, 0, "server", "2.8.12",
        "Return the role of the instance in the context of replication", ServerCommands::role);
    b.cmd("monitor", 1, "admin noscript loading stale", 0, 0, 0, "server", "1.0.0",
        "Listen for all requests received by the server in real time", ServerCommands::monitor);
    b.cmd("time", 1, "loading stale fast", 0, 0, 0, "server", "2.6.0", "Return the current server time",
        ServerCommands::time);
    b.cmd("shutdown", -1, "admin noscript loading stale allow_busy", 0, 0, 0, "server", "1.0.0",
        "Synchronously save the dataset to disk and then shut down the server", ServerCommands::shutdown);
    // Pub/sub
    b.cmd("subscribe", -2, "pubsub noscript loading stale +subscribed", 0, 0, 0, "pubsub", "2.0.0",
        "Listen for messages published to the given channels", PubSubCommands::subscribe);
    b.cmd("unsubscribe", -1, "pubsub noscript loading stale +subscribed", 0, 0, 0, "pubsub", "2.0.0",
        "Stop listening for messages posted to the given channels", PubSubCommands::unsubscribe);
    b.cmd("psubscribe", -2, "pubsub noscript loading stale +subscribed", 0, 0, 0, "pubsub", "2.0.0",
        "Listen for messages published to channels matching the given patterns", PubSubCommands::psubscribe);
    b.cmd("punsubscribe", -1, "pubsub noscript loading stale +subscribed", 0, 0, 0, "pubsub", "2.0.0",
        "Stop listening for messages posted to channels matching the given patterns", PubSubCommands::punsubscribe);
    b.cmd("publish", 3, "pubsub loading stale fast", 0, 0, 0, "pubsub", "2.0.0", "Post a message to a channel",
        PubSubCommands::publish);
    b.container("pubsub", "pubsub", "2.8.0", "A container for Pub/Sub commands",
        Builder.sub("pubsub", "channels", -2, "pubsub loading stale", "2.8.0", "List active channels",
            PubSubCommands::channels),
        Builder.sub("pubsub", "numsub", -2, "pubsub loading stale", "2.8.0", "Get the count of subscribers for "
            + "channels", PubSubCommands::numsub),
        Builder.sub("pubsub", "numpat", 2, "pubsub loading stale", "2.8.0", "Get the count of unique patterns "
            + "pattern subscriptions", PubSubCommands::numpat),
        Builder.sub("pubsub", "help", 2, "loading stale", "6.2.0", "Show helpful text about the different "
            + "subcommands", PubSubCommands::help));
    // Transactions
    b.cmd("multi", 1, "noscript loading stale fast allow_busy +notqueued", 0, 0, 0, "transactions", "1.2.0",
        "Mark the start of a transaction block", TransactionCommands::multi);
    b.cmd("exec", 1, "noscript loading stale +notqueued", 0, 0, 0, "transactions", "1.2.0",
        "Execute all commands issued after MULTI", TransactionCommands::exec);
    b.cmd("discard", 1, "noscript loading stale fast allow_busy +notqueued", 0, 0, 0, "transactions", "2.0.0",
        "Discard all commands issued after MULTI", TransactionCommands::discard);
    b.cmd("watch", -2, "noscript loading stale fast allow_busy +notqueued", 1, -1, 1, "transactions", "2.2.0",
        "Watch the given keys to determine execution of the MULTI/EXEC block", TransactionCommands::watch);
    b.cmd("unwatch", 1, "noscript loading stale fast allow_busy", 0, 0, 0, "transactions", "2.2.0",
        "Forget about all watched keys", TransactionCommands::unwatch);
    // Cairn
    b.cmd("cairn.range", 4, "readonly", 0, 0, 0, "cairn", "0.1.0",
        "Entries with start <= key < end in key order, at most count", CairnCommands::range);
    b.cmd("cairn.getkey", 2, "readonly fast", 0, 0, 0, "cairn", "0.1.0",
        "The key holding a value in a bidirectional database", CairnCommands::getkey);
    return new CommandTable(b.commands);
  }

  private static Map<String, Command> commandSubcommands() {
    Map<String, Command> m = new LinkedHashMap<>();
    for (Command c : List.of(
        Builder.sub("command", "count", 2, "loading stale", "2.8.13", "Get total number of Redis commands",
            ServerCommands::commandCount),
        Builder.sub("command", "docs", -2, "loading stale", "7.0.0",
            "Get array of specific Redis command documentation",
            ServerCommands::commandDocs),
        Builder.sub("command", "info", -2, "loading stale", "2.8.13", "Get array of specific Redis command details, "
            + "or all when no argument is given.", ServerCommands::commandInfo),
        Builder.sub("command", "list", -2, "loading stale", "7.0.0", "Get an array of Redis command names",
            ServerCommands::commandList),
        Builder.sub("command", "help", 2, "loading stale", "5.0.0", "Show helpful text about the different "
            + "subcommands", ServerCommands::commandHelp))) {
      m.put(c.name, c);
    }
    return m;
  }
}
