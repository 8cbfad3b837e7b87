package io.cairn.cli;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.Compression;
import io.cairn.engine.Durability;
import io.cairn.engine.Options;
import io.cairn.engine.Store;
import io.cairn.engine.StoreStatistics;
import io.cairn.engine.sstable.IndexLayout;
import io.cairn.engine.sstable.TableReader;
import io.cairn.engine.version.FileMeta;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn compact DIR}: opens the store (which replays its logs into tables, as any open does) and runs a full
 * compaction: every table merged into one sorted run on the bottom level, shadowed versions, expired entries and
 * tombstones dropped; under FIFO, expired tables dropped. The store is opened with the compaction style its manifest
 * names, enough levels for the tables it has, and the codec and index layout most of its tables use. A FIFO store is
 * opened with no byte budget, so compact never drops live data for the budget (that is the owning application's
 * choice, with the drop listener it keeps recent entries with).
 */
@Command(name = "compact", description = "Merge every table into one sorted run (drops shadowed versions, expired"
    + " entries and tombstones; under FIFO, drops expired tables). The only command that writes.")
final class CompactCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "the store directory")
  private Path dir;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Options o = Options.defaults().createIfMissing(false).durability(Durability.NONE);
    TreeSet<String> extractors = new TreeSet<>();
    try (StoreFiles files = StoreFiles.lock(dir, 0)) {
      StoreFiles.Manifest m = files.manifest();
      CompactionStyle style = m.style() == null ? CompactionStyle.LEVELED : m.style();
      o.compactionStyle(style).maxLevels(Math.max(o.maxLevels(), m.levels().size()));
      if (style == CompactionStyle.FIFO) {
        o.fifoMaxBytes(Long.MAX_VALUE);
      }
      Map<Compression, Integer> codecs = new EnumMap<>(Compression.class);
      Map<IndexLayout, Integer> layouts = new EnumMap<>(IndexLayout.class);
      for (FileMeta f : m.allFiles()) {
        TableReader t = files.table(f.fileNumber());
        codecs.merge(t.properties().compression(), 1, Integer::sum);
        layouts.merge(t.indexLayout(), 1, Integer::sum);
        if (!t.properties().prefixExtractor().isEmpty()) {
          extractors.add(t.properties().prefixExtractor());
        }
      }
      codecs.entrySet().stream().max(Map.Entry.comparingByValue()).ifPresent(e -> o.compression(e.getKey()));
      layouts.entrySet().stream().max(Map.Entry.comparingByValue()).ifPresent(e -> o.indexLayout(e.getKey()));
    }
    try (Store store = Store.open(dir, o)) {
      out.println("before  " + shape(store.statistics()));
      store.compact();
      out.println("after   " + shape(store.statistics()));
    }
    if (!extractors.isEmpty()) {
      out.println("note: the tables had prefix filters (" + String.join(", ", extractors) + "); the compacted ones"
          + " have none, so prefix scans open them (results are the same); the owning application's own"
          + " compactions build the filters again");
    }
    return Main.OK;
  }

  private static String shape(StoreStatistics s) {
    StringBuilder levels = new StringBuilder();
    long entries = 0;
    long tombstones = 0;
    int runs = 0;
    for (StoreStatistics.Level l : s.levels()) {
      entries += l.entries();
      tombstones += l.tombstones();
      runs += l.runs();
      if (l.files() > 0) {
        levels.append(levels.length() == 0 ? "" : ", ").append("L").append(l.level()).append(": ").append(l.runs())
            .append(l.runs() == 1 ? " run" : " runs");
      }
    }
    return Formats.count(s.tables().files(), "table") + " in " + Formats.count(runs, "run")
        + (levels.length() == 0 ? "" : " (" + levels + ")")
        + ", " + Formats.bytes(s.tables().bytes()) + " bytes, " + Formats.bytes(entries) + " entries, "
        + Formats.bytes(tombstones) + " tombstones";
  }
}
