package io.cairn.server;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.Locale;

/**
 * OBJECT, MEMORY and WAIT: what monitoring tools and clients ask about a key or the server (redis-cli
 * {@code --memkeys} sends MEMORY USAGE for every key it scans; clients that want replicated writes send WAIT). A look
 * at a key is not a use of it ({@link CairnView#peek}): it is not promoted from disk, counted as a hit or renewed.
 *
 * <ul>
 *   <li>OBJECT ENCODING derives the encoding Redis would report from the value's bytes ({@code int} for a canonical
 *   64-bit integer, {@code embstr} up to 44 bytes, {@code raw} beyond); Cairn keeps every value as bytes, so a short
 *   value built by APPEND reads {@code embstr} where Redis says {@code raw}. REFCOUNT is 1, or INT_MAX for the
 *   integers 0-9999 that Redis shares. IDLETIME and FREQ
 *   are refused for an existing key: the heap tier counts hits only up to a small saturating counter and records no
 *   access time.</li>
 *   <li>MEMORY USAGE is the heap an entry takes when the heap tier holds it: key and value arrays, the key's wrapper
 *   and the heap tier's per-entry bookkeeping, whichever tier holds it now. SAMPLES is accepted and has nothing to
 *   sample (a string has no elements).</li>
 *   <li>WAIT answers 0 at once: a Cairn server has no replicas, so no count of acknowledgements can grow (Redis
 *   without replicas waits out the timeout before it answers the same 0).</li>
 * </ul>
 */
final class IntrospectionCommands {
  /** The heap tier's bookkeeping per entry (its holder), as measured for the README, and its index slot. */
  private static final long ENTRY_OVERHEAD = 48 + 8;
  /** A {@link Key}: object header, array reference, 64-bit hash. */
  private static final long KEY_WRAPPER = 24;
  /** Redis's limit for an embedded string (OBJ_ENCODING_EMBSTR_SIZE_LIMIT). */
  private static final int EMBSTR_LIMIT = 44;
  /** Redis keeps the integers below this as shared objects (OBJ_SHARED_INTEGERS). */
  private static final long SHARED_INTEGERS = 10_000;

  private IntrospectionCommands() {}

  /** The bytes a {@code byte[]} of {@code n} elements takes on a 64-bit JVM with compressed pointers. */
  static long arrayBytes(long n) {
    return (16 + n + 7) & ~7L;
  }

  /** The heap bytes an entry of this key and value takes when resident. */
  static long entryBytes(int keyLength, int valueLength) {
    return arrayBytes(keyLength) + KEY_WRAPPER + arrayBytes(valueLength) + ENTRY_OVERHEAD;
  }

  /** The encoding Redis reports for a string of these bytes. */
  static String encoding(byte[] v) {
    try {
      Numbers.parseLong(v);
      return "int";
    } catch (Numbers.NotANumber e) {
      return v.length <= EMBSTR_LIMIT ? "embstr" : "raw";
    }
  }

  static void objectEncoding(Session s, byte[][] a) {
    byte[] v = s.db().cairn.peek(s.key(a, 2));
    if (v == null) {
      Reply.nullBulk(s.out(), s.proto);
    } else {
      Reply.bulk(s.out(), encoding(v));
    }
  }

  static void objectRefcount(Session s, byte[][] a) {
    byte[] v = s.db().cairn.peek(s.key(a, 2));
    if (v == null) {
      Reply.nullBulk(s.out(), s.proto);
    } else {
      Reply.integer(s.out(), sharedInteger(v) ? Integer.MAX_VALUE : 1);
    }
  }

  /** Whether Redis would keep this value as one of its shared integer objects (0 to 9999), which count INT_MAX. */
  private static boolean sharedInteger(byte[] v) {
    try {
      long n = Numbers.parseLong(v);
      return n >= 0 && n < SHARED_INTEGERS;
    } catch (Numbers.NotANumber e) {
      return false;
    }
  }

  static void objectIdletime(Session s, byte[][] a) {
    notTracked(s, a, "ERR idle time not tracked: Cairn's heap tier records no access time (it evicts by S3-FIFO)");
  }

  static void objectFreq(Session s, byte[][] a) {
    notTracked(s, a, "ERR access frequency not tracked: Cairn's heap tier evicts by S3-FIFO, not by an LFU policy");
  }

  /** Nil for a missing key, as Redis looks the key up first; {@code error} for an existing one. */
  private static void notTracked(Session s, byte[][] a, String error) {
    if (s.db().cairn.peek(s.key(a, 2)) != null) {
      s.error(error);
    } else {
      Reply.nullBulk(s.out(), s.proto);
    }
  }

  static void objectHelp(Session s, byte[][] a) {
    Help.reply(s, "OBJECT", List.of(
        "ENCODING <key>", "    The encoding Redis would use for the string at <key> (int, embstr or raw).",
        "FREQ <key>", "    Not tracked by Cairn (an error for an existing key).",
        "IDLETIME <key>", "    Not tracked by Cairn (an error for an existing key).",
        "REFCOUNT <key>", "    References to the value at <key>: 1, or 2147483647 for an integer 0-9999 (as Redis counts)."));
  }

  /** MEMORY USAGE key [SAMPLES count]. */
  static void memoryUsage(Session s, byte[][] a) {
    for (int i = 3; i < a.length; i++) {
      if (Session.latin1(a[i]).toLowerCase(Locale.ROOT).equals("samples") && i + 1 < a.length) {
        try {
          if (Numbers.parseLong(a[++i]) < 0) {
            s.error(Errors.SYNTAX);
            return;
          }
        } catch (Numbers.NotANumber e) {
          s.error(Errors.NOT_INTEGER);
          return;
        }
      } else {
        s.error(Errors.SYNTAX);
        return;
      }
    }
    byte[] v = s.db().cairn.peek(s.key(a, 2));
    if (v == null) {
      Reply.nullBulk(s.out(), s.proto);
    } else {
      Reply.integer(s.out(), entryBytes(a[2].length, v.length));
    }
  }

  /** MEMORY STATS: the JVM heap and the keyspace, under Redis's field names where one fits. */
  static void memoryStats(Session s, byte[][] a) {
    Runtime rt = Runtime.getRuntime();
    long used = rt.totalMemory() - rt.freeMemory();
    long keys = 0;
    for (int i = 0; i < s.server.keyspace.size(); i++) {
      keys += s.server.keyspace.get(i).cairn.size();
    }
    ByteBuf b = s.out();
    Reply.map(b, s.proto, 5);
    Reply.bulk(b, "peak.allocated");
    Reply.integer(b, rt.totalMemory());
    Reply.bulk(b, "total.allocated");
    Reply.integer(b, used);
    Reply.bulk(b, "heap.max");
    Reply.integer(b, rt.maxMemory());
    Reply.bulk(b, "keys.count");
    Reply.integer(b, keys);
    Reply.bulk(b, "keys.bytes-per-key");
    Reply.integer(b, keys == 0 ? 0 : used / keys);
  }

  static void memoryDoctor(Session s, byte[][] a) {
    Runtime rt = Runtime.getRuntime();
    long used = rt.totalMemory() - rt.freeMemory();
    Reply.verbatim(s.out(), s.proto, "Cairn keeps the data set in its heap and disk tiers; the JVM heap holds "
        + ServerCommands.human(used) + " of " + ServerCommands.human(rt.maxMemory()) + " (heap tiers are bounded "
        + "by each database's heap-entries, the rest lives on disk). No memory problems to report.");
  }

  static void memoryMallocStats(Session s, byte[][] a) {
    Reply.verbatim(s.out(), s.proto, "Cairn runs on the JVM: there are no allocator statistics (MEMORY STATS gives the heap)");
  }

  static void memoryPurge(Session s, byte[][] a) {
    Reply.ok(s.out());
  }

  static void memoryHelp(Session s, byte[][] a) {
    Help.reply(s, "MEMORY", List.of(
        "DOCTOR", "    A line on the JVM heap's use.",
        "MALLOC-STATS", "    Nothing to report: Cairn runs on the JVM.",
        "PURGE", "    Nothing to purge in Cairn; replies OK.",
        "STATS", "    The JVM heap and the number of keys.",
        "USAGE <key> [SAMPLES <count>]", "    Heap bytes the entry at <key> takes when the heap tier holds it."));
  }

  /** WAIT numreplicas timeout: no replicas, so 0 at once, after Redis's checks of the arguments. */
  static void waitReplicas(Session s, byte[][] a) {
    try {
      Numbers.parseLong(a[1]);
    } catch (Numbers.NotANumber e) {
      s.error(Errors.NOT_INTEGER);
      return;
    }
    long timeout;
    try {
      timeout = Numbers.parseLong(a[2]);
    } catch (Numbers.NotANumber e) {
      s.error("ERR timeout is not an integer or out of range");
      return;
    }
    if (timeout < 0) {
      s.error("ERR timeout is negative");
      return;
    }
    Reply.integer(s.out(), 0);
  }
}
