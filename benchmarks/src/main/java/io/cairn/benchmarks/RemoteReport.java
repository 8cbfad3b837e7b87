package io.cairn.benchmarks;

import io.cairn.benchmarks.jcache.InvalidationDelay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;

/**
 * The remote suite's report, {@code remote-results.md}: a near-cache hit against a plain Lettuce GET (goal 50x) and
 * against a local-only Cairn hit (goal 0.8x); remote Cairn against Redisson's JCache at 90/10, Zipf 0.99, two threads,
 * reads (goal 10x) and writes (goal 1.0x) apart, Redisson on its default transport (NIO) and on epoll (Cairn's
 * connections use epoll when it loads); and the invalidation delay's p50/p99.
 */
final class RemoteReport {
  private RemoteReport() {}

  static void write(Collection<RunResult> hits, Collection<RunResult> mixed, boolean quick, Path out)
      throws Exception {
    Map<String, Double> score = new LinkedHashMap<>();
    for (RunResult r : hits) {
      String b = r.getParams().getBenchmark();
      score.put(b.substring(b.lastIndexOf('.') + 1), r.getPrimaryResult().getScore());
    }
    for (RunResult r : mixed) {
      String impl = r.getParams().getParam("impl");
      score.put(impl + ".reads", r.getSecondaryResults().get("reads").getScore());
      score.put(impl + ".writes", r.getSecondaryResults().get("writes").getScore());
    }
    InvalidationDelay.Result delay = InvalidationDelay.measure(quick ? 1000 : 5000);
    StringBuilder md = new StringBuilder("# Remote caches over Redis (" + (quick ? "quick" : "full") + " run)\n\n")
        .append("| measurement | Cairn | peer | ratio | goal |\n|---|---|---|---|---|\n");
    row(md, "near-cache hit vs plain Lettuce GET (1 thread)", score.get("nearHit"), score.get("lettuceGet"), "50x");
    row(md, "near-cache hit vs local-only Cairn hit (1 thread)", score.get("nearHit"), score.get("localHit"), "0.8x");
    row(md, "reads, 90/10 Zipf 0.99, 2 threads, vs Redisson JCache", score.get("cairn.reads"),
        score.get("redisson.reads"), "10x");
    row(md, "writes, 90/10 Zipf 0.99, 2 threads, vs Redisson JCache", score.get("cairn.writes"),
        score.get("redisson.writes"), "1.0x");
    row(md, "reads, the same, vs Redisson JCache on the epoll transport", score.get("cairn.reads"),
        score.get("redisson-epoll.reads"), "10x");
    row(md, "writes, the same, vs Redisson JCache on the epoll transport", score.get("cairn.writes"),
        score.get("redisson-epoll.writes"), "1.0x");
    row(md, "reads, the same with remote.tracking=bcast", score.get("cairn-bcast.reads"),
        score.get("redisson.reads"), "10x");
    row(md, "writes, the same with remote.tracking=bcast", score.get("cairn-bcast.writes"),
        score.get("redisson.writes"), "1.0x");
    md.append("\nInvalidation delay (a write in one process until the other's get returns the new value), ")
        .append(delay.samples()).append(" samples: p50 ").append(String.format("%.0f", delay.p50Micros()))
        .append(" µs, p99 ").append(String.format("%.0f", delay.p99Micros())).append(" µs, max ")
        .append(String.format("%.0f", delay.maxMicros())).append(" µs.\n");
    Files.writeString(out.resolve("remote-results.md"), md);
    System.out.println(md);
  }

  private static void row(StringBuilder md, String what, Double cairn, Double peer, String goal) {
    md.append("| ").append(what).append(" | ").append(ops(cairn)).append(" | ").append(ops(peer)).append(" | ")
        .append(cairn == null || peer == null ? "-" : String.format("%.2fx", cairn / peer)).append(" | ")
        .append(goal).append(" |\n");
  }

  private static String ops(Double v) {
    return v == null ? "-" : String.format("%,.0f ops/s", v);
  }
}
