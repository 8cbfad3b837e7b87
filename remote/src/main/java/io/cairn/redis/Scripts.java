package io.cairn.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.AsyncCommand;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.lettuce.core.protocol.RedisCommand;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The Lua scripts that make Cairn's writes conditional: each compares the stamp at offset 2 of the key's value (see
 * {@link ValueHeader}; GETRANGE of a missing key is empty, the stamp of no entry) with the one the writer read, and
 * writes only if they match, atomically on the key's node. Run with EVALSHA; a server that does not know the script
 * (a restart, a failover, SCRIPT FLUSH) is sent the script itself with EVAL, which also loads it.
 *
 * <pre>
 * SET_IF:  KEYS[1] key; ARGV[1] expected stamp (8 bytes, or empty: absent), ARGV[2] new stored value,
 *          ARGV[3] PXAT in epoch milliseconds ("0": no TTL)      returns 1 if written, 0 if the stamp differed
 * DEL_IF:  KEYS[1] key; ARGV[1] expected stamp                   returns 1 if deleted, 0 if the stamp differed
 * </pre>
 */
final class Scripts {
  static final String SET_IF = "if redis.call('GETRANGE', KEYS[1], 2, 9) ~= ARGV[1] then return 0 end\n"
      + "if ARGV[3] == '0' then redis.call('SET', KEYS[1], ARGV[2])\n"
      + "else redis.call('SET', KEYS[1], ARGV[2], 'PXAT', ARGV[3]) end\n"
      + "return 1";
  static final String DEL_IF = "if redis.call('GETRANGE', KEYS[1], 2, 9) ~= ARGV[1] then return 0 end\n"
      + "redis.call('DEL', KEYS[1])\n"
      + "return 1";

  private static final String SET_IF_SHA = sha1(SET_IF);
  private static final String DEL_IF_SHA = sha1(DEL_IF);

  private Scripts() {}

  static String sha1(String script) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
          .digest(script.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1", e);
    }
  }

  /**
   * Sends SET_IF and then {@code next} in one write to the connection (one event-loop task, one flush, one segment
   * for Redis to read), so {@code next} runs right after the script on the key's node; completes with 1 or 0. A server
   * that does not know the script is sent it with EVAL after {@code next} has run.
   */
  static CompletableFuture<Long> setIfThen(StatefulConnection<byte[], byte[]> connection,
      RedisClusterAsyncCommands<byte[], byte[]> redis, byte[] key, byte[] expected, byte[] stored, long pxat,
      RedisCommand<byte[], byte[], ?> next) {
    byte[] at = Long.toString(pxat).getBytes(StandardCharsets.US_ASCII);
    CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).add(SET_IF_SHA).add(1).addKey(key)
        .addValue(expected).addValue(stored).addValue(at);
    AsyncCommand<byte[], byte[], Long> first = new AsyncCommand<>(
        new Command<>(CommandType.EVALSHA, new IntegerOutput<>(ByteArrayCodec.INSTANCE), args));
    connection.dispatch(java.util.List.of(first, next));
    return orEval(redis, first, SET_IF, key, new byte[][] {expected, stored, at});
  }

  /** Sends DEL_IF; completes with 1 or 0. */
  static CompletableFuture<Long> delIf(RedisClusterAsyncCommands<byte[], byte[]> redis, byte[] key,
      byte[] expected) {
    return run(redis, DEL_IF_SHA, DEL_IF, key, new byte[][] {expected});
  }

  private static CompletableFuture<Long> run(RedisClusterAsyncCommands<byte[], byte[]> redis, String sha,
      String script, byte[] key, byte[][] args) {
    byte[][] keys = {key};
    return orEval(redis, redis.<Long>evalsha(sha, ScriptOutputType.INTEGER, keys, args).toCompletableFuture(), script,
        key, args);
  }

  /** What {@code first} (an EVALSHA) completes with; if the server did not know the script, what EVAL of it does. */
  private static CompletableFuture<Long> orEval(RedisClusterAsyncCommands<byte[], byte[]> redis,
      CompletableFuture<Long> first, String script, byte[] key, byte[][] args) {
    byte[][] keys = {key};
    return first.exceptionallyCompose(e -> {
      Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
      if (cause instanceof RedisNoScriptException) {
        return redis.<Long>eval(script.getBytes(StandardCharsets.UTF_8), ScriptOutputType.INTEGER, keys, args)
            .toCompletableFuture();
      }
      return CompletableFuture.<Long>failedFuture(cause);
    });
  }
}
