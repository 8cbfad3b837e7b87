package io.cairn.benchmarks;

import io.cairn.benchmarks.jcache.Footprint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every suite side by side with the peers and writes the report: {@code results.json}, {@code results.md} (Cairn's
 * ratio to each peer) and PNG charts, in the output folder (default {@code benchmarks/target}).
 *
 * <pre>java -cp benchmarks.jar io.cairn.benchmarks.RunAll [--quick] [--out DIR] [--only SUITE,...]</pre>
 * Suites: jcache (heap tier, both thread counts), latency, disk, engine, bidi, footprint; and, only when asked for
 * with {@code --only remote} (it needs a redis-server on the PATH), remote: {@link RemoteReport}.
 */
public final class RunAll {
  private RunAll() {}

  public static void main(String[] args) throws Exception {
    boolean quick = false;
    Path out = Path.of("benchmarks/target");
    List<String> only = List.of("jcache", "latency", "disk", "engine", "bidi", "footprint");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--out" -> out = Path.of(args[++i]);
        case "--only" -> only = List.of(args[++i].split(","));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (expected --quick, --out DIR, --only jcache,latency,disk,engine,bidi,footprint,remote)");
      }
    }
    Files.createDirectories(out);
    Path ampFile = out.resolve("engine-amplification.txt");
    Files.deleteIfExists(ampFile);
    Report report = new Report(quick ? "quick" : "full");
    long start = System.currentTimeMillis();
    if (only.contains("jcache")) {
      for (int threads : new int[] {1, 2}) {
        progress("jcache heap tier, " + threads + " thread(s)", start);
        for (RunResult r : run(base(quick).include("HeapTierBenchmark.operation").threads(threads))) {
          report.jcache(r, "heap", threads);
        }
        for (RunResult r : run(base(quick).include("MapCeilingBenchmark.operation").threads(threads))) {
          report.ceiling(r, threads);
        }
      }
    }
    if (only.contains("latency")) {
      progress("jcache latency percentiles", start);
      // The whole heap committed and touched before measuring, for every provider: with a heap that grows, the
      // first-touch page faults of new heap memory land in single calls (a by-value put's p99.9 read 20-25 us with
      // them and 3 us without, Ehcache's 37 us either way).
      for (RunResult r : run(base(quick).include("LatencyBenchmark").param("workload", "read100").threads(1)
          .jvmArgsAppend("-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"))) {
        report.latency(r);
      }
    }
    if (only.contains("disk")) {
      progress("jcache disk tier (data 10x the heap tier)", start);
      for (RunResult r : run(base(quick).include("DiskTierBenchmark").threads(1)
          .param("keys", quick ? "50000" : "200000"))) {
        report.jcache(r, "disk", 1);
      }
    }
    if (only.contains("engine")) {
      progress("engine vs RocksDB", start);
      ChainedOptionsBuilder o = base(quick).include("EngineBenchmark").param("keys", quick ? "200000" : "1000000")
          .param("valueBytes", "100", "1024")
          .jvmArgsAppend("-Xmx4g", "-Dcairn.bench.ampFile=" + ampFile.toAbsolutePath());
      for (RunResult r : run(o)) {
        report.engine(r);
      }
      report.amplification(ampFile);
    }
    if (only.contains("bidi")) {
      progress("bidirectional index cost", start);
      for (RunResult r : run(base(quick).include("BidiBenchmark").threads(1))) {
        report.bidi(r);
      }
    }
    if (only.contains("footprint")) {
      progress("heap bytes per entry", start);
      for (boolean byValue : new boolean[] {false, true}) {
        for (Map.Entry<String, Double> e : Footprint.measure(100_000, byValue).entrySet()) {
          report.footprint(e.getKey(), byValue, e.getValue());
        }
      }
    }
    if (only.contains("remote")) {
      progress("remote caches over Redis (near-cache hits, against Lettuce and Redisson; invalidation delay)", start);
      RemoteReport.write(run(base(quick).include("RemoteBenchmark\\.(nearHit|localHit|lettuceGet)").threads(1)),
          run(base(quick).include("RemoteBenchmark\\.mixed").threads(2)), quick, out);
      if (only.size() == 1) {
        progress("done: " + out.resolve("remote-results.md"), start);
        return;
      }
    }
    report.write(out);
    progress("done: " + out.resolve("results.json") + ", results.md and charts", start);
  }

  private static void progress(String what, long start) {
    System.out.printf("%n===== [%d s] %s%n", (System.currentTimeMillis() - start) / 1000, what);
  }

  private static ChainedOptionsBuilder base(boolean quick) {
    ChainedOptionsBuilder b = new OptionsBuilder().forks(1).jvmArgsAppend("-Xmx4g");
    if (quick) {
      return b.warmupIterations(1).warmupTime(TimeValue.seconds(1)).measurementIterations(2)
          .measurementTime(TimeValue.seconds(1));
    }
    return b.warmupIterations(2).warmupTime(TimeValue.seconds(3)).measurementIterations(3)
        .measurementTime(TimeValue.seconds(5));
  }

  private static Collection<RunResult> run(ChainedOptionsBuilder o) throws Exception {
    return new Runner(o.build()).run();
  }
}
