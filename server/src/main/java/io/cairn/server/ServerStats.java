package io.cairn.server;

import java.util.concurrent.atomic.LongAdder;

/** Counters INFO reports (stats section), reset by CONFIG RESETSTAT; adders, so event loops never contend. */
final class ServerStats {
  final LongAdder connectionsReceived = new LongAdder();
  final LongAdder rejectedConnections = new LongAdder();
  final LongAdder commands = new LongAdder();
  final LongAdder errorReplies = new LongAdder();
  final LongAdder failedAuths = new LongAdder();
  final LongAdder keyspaceHits = new LongAdder();
  final LongAdder keyspaceMisses = new LongAdder();
  final LongAdder expiredKeys = new LongAdder();
  /** Keys a database lost by itself (its disk budget, or a heap-only eviction): Redis's evicted_keys. */
  final LongAdder evictedKeys = new LongAdder();
  final LongAdder inputBytes = new LongAdder();
  final LongAdder outputBytes = new LongAdder();
  final LongAdder outputLimitDisconnections = new LongAdder();
  final LongAdder timedOut = new LongAdder();
  final LongAdder protocolErrors = new LongAdder();
  /** Commands in the last whole second ({@link #sample}, once a second); read by INFO. */
  volatile long opsPerSecond;
  private long commandsAtLastSample;

  /** Called once a second by the server's timer thread (the only writer of the sample fields). */
  void sample() {
    long now = commands.sum();
    opsPerSecond = Math.max(0, now - commandsAtLastSample);
    commandsAtLastSample = now;
  }

  void reset() {
    for (LongAdder a : new LongAdder[] {connectionsReceived, rejectedConnections, commands, errorReplies, failedAuths,
        keyspaceHits, keyspaceMisses, expiredKeys, evictedKeys, inputBytes, outputBytes, outputLimitDisconnections, timedOut,
        protocolErrors}) {
      a.reset();
    }
  }
}
