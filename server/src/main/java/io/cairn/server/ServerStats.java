package io.cairn.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters INFO reports (stats section), reset by CONFIG RESETSTAT: {@link Counter}s for those every command bumps,
 * adders for the rest, so event loops never contend.
 */
final class ServerStats {
  final LongAdder connectionsReceived = new LongAdder();
  final LongAdder rejectedConnections = new LongAdder();
  final Counter commands = new Counter();
  final LongAdder errorReplies = new LongAdder();
  final LongAdder failedAuths = new LongAdder();
  final Counter keyspaceHits = new Counter();
  final Counter keyspaceMisses = new Counter();
  final LongAdder expiredKeys = new LongAdder();
  /** Keys a database lost by itself (its disk budget, or a heap-only eviction): Redis's evicted_keys. */
  final LongAdder evictedKeys = new LongAdder();
  final Counter inputBytes = new Counter();
  final Counter outputBytes = new Counter();
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
    for (LongAdder a : new LongAdder[] {connectionsReceived, rejectedConnections, errorReplies, failedAuths,
        expiredKeys, evictedKeys, outputLimitDisconnections, timedOut, protocolErrors}) {
      a.reset();
    }
    for (Counter c : new Counter[] {commands, keyspaceHits, keyspaceMisses, inputBytes, outputBytes}) {
      c.reset();
    }
  }
}
