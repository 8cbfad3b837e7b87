package io.cairn.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * The benchmark report: one row per measured (suite, workload, tier, store-by, threads, value size, system), written
 * as {@code results.json}, as {@code results.md} (Cairn's ratio to each peer, above 1.0 meaning Cairn is faster) and as
 * PNG charts.
 */
final class Report {
  /** One measurement. Null fields do not apply. */
  record Row(String suite, String workload, String tier, Boolean storeByValue, int threads, Integer valueBytes,
      String system, Double opsPerSec, Double p50Micros, Double p99Micros, Double p999Micros,
      Double writeAmplification, Double spaceAmplification, Double bytesPerEntry) {

    String group() {
      return suite + "|" + workload + "|" + tier + "|" + storeByValue + "|" + threads + "|" + valueBytes;
    }
  }

  private final String mode;
  private final List<Row> rows = new ArrayList<>();

  Report(String mode) {
    this.mode = mode;
  }

  void jcache(RunResult r, String tier, int threads) {
    var p = r.getParams();
    rows.add(new Row("jcache", p.getParam("workload"), tier, tier.equals("disk") ? Boolean.FALSE
        : Boolean.valueOf(p.getParam("storeByValue")), threads, null, p.getParam("system"),
        r.getPrimaryResult().getScore(), null, null, null, null, null, null));
  }

  /** The ConcurrentHashMap ceiling of the heap-tier workloads, as system {@code chm}, store-by-reference. */
  void ceiling(RunResult r, int threads) {
    rows.add(new Row("jcache", r.getParams().getParam("workload"), "heap", Boolean.FALSE, threads, null, "chm",
        r.getPrimaryResult().getScore(), null, null, null, null, null, null));
  }

  void latency(RunResult r) {
    var p = r.getParams();
    String method = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
    var stats = r.getPrimaryResult().getStatistics();
    rows.add(new Row("latency", method, "heap", Boolean.valueOf(p.getParam("storeByValue")), 1, null,
        p.getParam("system"), null, stats.getPercentile(50), stats.getPercentile(99), stats.getPercentile(99.9),
        null, null, null));
  }

  void engine(RunResult r) {
    var p = r.getParams();
    String method = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
    double ops = r.getPrimaryResult().getScore();
    String workload = switch (method) {
      case "fillRandom" -> "fillrandom";
      case "readRandomHit" -> "readrandom";
      case "readRandomMiss" -> "readmissing";
      case "overwrite" -> "overwrite";
      case "scan100" -> "scan100";
      case "readWhileWriting" -> "readwhilewriting";
      default -> method;
    };
    if (method.equals("readWhileWriting")) {
      Result<?> reads = r.getSecondaryResults().get("readWhileWritingRead");
      ops = reads == null ? ops : reads.getScore();
    }
    rows.add(new Row("engine", workload, null, null, 1, Integer.valueOf(p.getParam("valueBytes")),
        p.getParam("system"), ops, null, null, null, null, null, null));
  }

  /** Attaches the write and space amplification the engine benchmarks recorded for Cairn. */
  void amplification(Path file) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    for (String line : Files.readAllLines(file)) {
      String[] f = line.trim().split(" ");
      if (f.length != 5) {
        continue;
      }
      String method = f[0].substring(f[0].lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        if (r.suite().equals("engine") && r.system().equals(f[1]) && String.valueOf(r.valueBytes()).equals(f[2])
            && (method.startsWith("fill") ? r.workload().equals("fillrandom")
                : method.startsWith(r.workload().substring(0, Math.min(4, r.workload().length()))))) {
          rows.set(i, new Row(r.suite(), r.workload(), r.tier(), r.storeByValue(), r.threads(), r.valueBytes(),
              r.system(), r.opsPerSec(), null, null, null, Double.valueOf(f[3]), Double.valueOf(f[4]), null));
        }
      }
    }
  }

  void bidi(RunResult r) {
    var p = r.getParams();
    String method = p.getBenchmark().substring(p.getBenchmark().lastIndexOf('.') + 1);
    rows.add(new Row("bidi", method, "heap", true, 1, null, "cairn", r.getPrimaryResult().getScore(), null, null,
        null, null, null, null));
  }

  void footprint(String system, boolean byValue, double bytes) {
    rows.add(new Row("footprint", "100k-entries", "heap", byValue, 1, 100, system, null, null, null, null, null,
        null, bytes));
  }

  List<Row> rows() {
    return rows;
  }

  void write(Path dir) throws IOException {
    Files.writeString(dir.resolve("results.json"), json());
    Files.writeString(dir.resolve("results.md"), markdown());
    charts(dir);
  }

  private String json() {
    StringBuilder sb = new StringBuilder();
    Runtime rt = Runtime.getRuntime();
    sb.append("{\n  \"machine\": {\"os\": ").append(q(System.getProperty("os.name") + " "
        + System.getProperty("os.version"))).append(", \"arch\": ").append(q(System.getProperty("os.arch")))
        .append(", \"cores\": ").append(rt.availableProcessors()).append(", \"maxHeapBytes\": ")
        .append(rt.maxMemory()).append("},\n  \"jdk\": ").append(q(System.getProperty("java.vm.name") + " "
        + System.getProperty("java.version"))).append(",\n  \"mode\": ").append(q(mode))
        .append(",\n  \"results\": [\n");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      sb.append("    {\"suite\": ").append(q(r.suite())).append(", \"workload\": ").append(q(r.workload()))
          .append(", \"tier\": ").append(q(r.tier())).append(", \"storeByValue\": ").append(r.storeByValue())
          .append(", \"threads\": ").append(r.threads()).append(", \"valueBytes\": ").append(r.valueBytes())
          .append(", \"system\": ").append(q(r.system())).append(", \"opsPerSec\": ").append(n(r.opsPerSec()))
          .append(", \"p50Micros\": ").append(n(r.p50Micros())).append(", \"p99Micros\": ").append(n(r.p99Micros()))
          .append(", \"p999Micros\": ").append(n(r.p999Micros())).append(", \"writeAmplification\": ")
          .append(n(r.writeAmplification())).append(", \"spaceAmplification\": ").append(n(r.spaceAmplification()))
          .append(", \"bytesPerEntry\": ").append(n(r.bytesPerEntry())).append('}')
          .append(i + 1 < rows.size() ? ",\n" : "\n");
    }
    return sb.append("  ]\n}\n").toString();
  }

  private static String q(String s) {
    return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String n(Double d) {
    return d == null || d.isNaN() ? "null" : String.format(Locale.ROOT, "%.3f", d);
  }

  /** Cairn's ratio to each peer: throughput ratios (Cairn / peer), latency and bytes ratios (peer / Cairn). */
  private String markdown() {
    Set<String> peers = new LinkedHashSet<>();
    Map<String, Map<String, Row>> groups = new LinkedHashMap<>();
    for (Row r : rows) {
      groups.computeIfAbsent(r.group(), k -> new LinkedHashMap<>()).put(r.system(), r);
      if (!r.system().equals("cairn")) {
        peers.add(r.system());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("Cairn's ratio to each peer (mode ").append(mode).append(", ").append(Runtime.getRuntime()
        .availableProcessors()).append(" cores, ").append(System.getProperty("java.version"))
        .append("). Above 1.0: Cairn is better (more ops/s; lower latency at p99; fewer bytes per entry). ")
        .append("The chm column is the ceiling: a plain ConcurrentHashMap on the same keys and threads, so Cairn's ")
        .append("ratio to it is the fraction of that limit Cairn reaches.\n\n");
    sb.append("| suite | workload | tier | store-by | threads | value bytes | Cairn |");
    for (String p : peers) {
      sb.append(" vs ").append(p).append(" |");
    }
    sb.append("\n|---|---|---|---|---|---|---|");
    peers.forEach(p -> sb.append("---|"));
    sb.append('\n');
    for (Map<String, Row> g : groups.values()) {
      Row cairn = g.get("cairn");
      if (cairn == null) {
        continue;
      }
      sb.append("| ").append(cairn.suite()).append(" | ").append(cairn.workload()).append(" | ")
          .append(Objects.toString(cairn.tier(), "")).append(" | ")
          .append(cairn.storeByValue() == null ? "" : cairn.storeByValue() ? "value" : "reference").append(" | ")
          .append(cairn.threads()).append(" | ").append(Objects.toString(cairn.valueBytes(), "")).append(" | ")
          .append(describe(cairn)).append(" |");
      for (String p : peers) {
        Row peer = g.get(p);
        sb.append(' ').append(peer == null ? "" : ratio(cairn, peer)).append(" |");
      }
      sb.append('\n');
    }
    bidiCosts(sb);
    return sb.toString();
  }

  /** The bidi suite's pairs: each bidirectional operation against its plain counterpart (1.0: no cost). */
  private void bidiCosts(StringBuilder sb) {
    Map<String, Double> bidi = new LinkedHashMap<>();
    for (Row r : rows) {
      if (r.suite().equals("bidi") && r.opsPerSec() != null) {
        bidi.put(r.workload(), r.opsPerSec());
      }
    }
    String[][] pairs = {{"getKey", "get", "getKey vs get (heap-resident)"},
        {"putBidi", "putPlain", "re-put of a key's own value, heap tier"},
        {"moveBidi", "movePlain", "put moving a key to another value, heap tier"},
        {"moveBidiPersistent", "movePlainPersistent", "put moving a key to another value, persistent"},
        {"moveBidiSpilled", "movePlainSpilled", "the same, persistent, three quarters of the keys on disk only"}};
    StringBuilder t = new StringBuilder();
    for (String[] p : pairs) {
      Double a = bidi.get(p[0]);
      Double b = bidi.get(p[1]);
      if (a != null && b != null) {
        t.append(String.format(Locale.ROOT, "| %s | %,.0f ops/s | %,.0f ops/s | %.2fx |%n", p[2], a, b, b / a));
      }
    }
    if (t.length() > 0) {
      sb.append("\nThe cost of the bidirectional index (how many times longer the bidirectional operation takes than "
          + "the plain one; the goal is at most 2x):\n\n| operation | bidirectional | plain | cost |\n|---|---|---|---|\n")
          .append(t);
    }
  }

  private static String describe(Row r) {
    if (r.opsPerSec() != null) {
      return String.format(Locale.ROOT, "%,.0f ops/s", r.opsPerSec()) + (r.writeAmplification() == null ? ""
          : String.format(Locale.ROOT, " (write amp %.1f, space amp %.2f)", r.writeAmplification(),
              r.spaceAmplification()));
    }
    if (r.p99Micros() != null) {
      return String.format(Locale.ROOT, "p50 %.2f / p99 %.2f / p99.9 %.2f us", r.p50Micros(), r.p99Micros(),
          r.p999Micros());
    }
    return String.format(Locale.ROOT, "%.0f bytes/entry", r.bytesPerEntry());
  }

  private static String ratio(Row cairn, Row peer) {
    String amp = peer.writeAmplification() == null ? "" : String.format(Locale.ROOT, " (write amp %.1f, space amp %.2f)",
        peer.writeAmplification(), peer.spaceAmplification());
    return ratioOnly(cairn, peer) + amp;
  }

  private static String ratioOnly(Row cairn, Row peer) {
    double v;
    if (cairn.opsPerSec() != null && peer.opsPerSec() != null) {
      v = cairn.opsPerSec() / peer.opsPerSec();
    } else if (cairn.p99Micros() != null && peer.p99Micros() != null) {
      v = peer.p99Micros() / cairn.p99Micros();
    } else if (cairn.bytesPerEntry() != null && peer.bytesPerEntry() != null) {
      v = peer.bytesPerEntry() / cairn.bytesPerEntry();
    } else {
      return "";
    }
    return String.format(Locale.ROOT, "%.2fx", v);
  }

  private void charts(Path dir) throws IOException {
    System.setProperty("java.awt.headless", "true");
    for (int threads : new int[] {1, 2}) {
      int t = threads;
      chart(dir.resolve("chart-jcache-heap-reference-t" + t + ".png"),
          "JCache heap tier, store-by-reference, " + t + " thread(s) (ops/s; chm = ConcurrentHashMap ceiling)",
          r -> r.suite().equals("jcache") && "heap".equals(r.tier()) && r.threads() == t
              && Boolean.FALSE.equals(r.storeByValue()), Row::workload, Row::opsPerSec);
      chart(dir.resolve("chart-jcache-heap-value-t" + t + ".png"),
          "JCache heap tier, store-by-value, " + t + " thread(s) (ops/s)",
          r -> r.suite().equals("jcache") && "heap".equals(r.tier()) && r.threads() == t
              && Boolean.TRUE.equals(r.storeByValue()), Row::workload, Row::opsPerSec);
    }
    chart(dir.resolve("chart-jcache-disk.png"), "JCache, data 10x the heap tier (ops/s)",
        r -> r.suite().equals("jcache") && "disk".equals(r.tier()), Row::workload, Row::opsPerSec);
    chart(dir.resolve("chart-engine.png"), "Engine vs RocksDB, 100-byte values (ops/s)",
        r -> r.suite().equals("engine") && Integer.valueOf(100).equals(r.valueBytes()), Row::workload,
        Row::opsPerSec);
    chart(dir.resolve("chart-latency-p99-reference.png"), "JCache p99 latency, store-by-reference (us, lower is better)",
        r -> r.suite().equals("latency") && Boolean.FALSE.equals(r.storeByValue()), Row::workload, Row::p99Micros);
    chart(dir.resolve("chart-latency-p99-value.png"), "JCache p99 latency, store-by-value (us, lower is better)",
        r -> r.suite().equals("latency") && Boolean.TRUE.equals(r.storeByValue()), Row::workload, Row::p99Micros);
  }

  private void chart(Path file, String title, java.util.function.Predicate<Row> which,
      java.util.function.Function<Row, String> category, java.util.function.Function<Row, Double> value)
      throws IOException {
    List<Row> chosen = rows.stream().filter(which).toList();
    if (chosen.isEmpty()) {
      return;
    }
    List<String> categories = chosen.stream().map(category).distinct().toList();
    Map<String, List<Number>> series = new LinkedHashMap<>();
    for (String system : chosen.stream().map(Row::system).distinct().toList()) {
      List<Number> ys = new ArrayList<>();
      for (String c : categories) {
        Double y = chosen.stream().filter(r -> r.system().equals(system) && category.apply(r).equals(c))
            .map(value).filter(Objects::nonNull).findFirst().orElse(0.0);
        ys.add(y);
      }
      series.put(system, ys);
    }
    CategoryChart chart = new CategoryChartBuilder().width(1000).height(480).title(title).build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    series.forEach((name, ys) -> chart.addSeries(name, categories, ys));
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
