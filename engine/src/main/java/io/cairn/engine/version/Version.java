package io.cairn.engine.version;

import io.cairn.engine.format.InternalKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An immutable set of tables: per level, sorted runs newest first. Readers pin a version with {@link #tryRef()} so
 * its tables stay open and on disk while they read; the last {@link #unref()} of a retired version lets the store
 * delete tables no live version holds.
 *
 * <p>Thread-safety: immutable apart from the reference count, which is atomic.
 */
public final class Version {
  private final List<List<Run>> levels;
  private final AtomicInteger refs = new AtomicInteger(1);
  private final Consumer<Version> onRelease;

  Version(List<List<FileMeta>> files, Consumer<Version> onRelease) {
    this.onRelease = onRelease;
    List<List<Run>> lv = new ArrayList<>(files.size());
    for (List<FileMeta> level : files) {
      TreeMap<Long, List<FileMeta>> byRun = new TreeMap<>(Comparator.reverseOrder());
      for (FileMeta f : level) {
        byRun.computeIfAbsent(f.runId(), k -> new ArrayList<>()).add(f);
      }
      List<Run> runs = new ArrayList<>(byRun.size());
      for (Map.Entry<Long, List<FileMeta>> e : byRun.entrySet()) {
        List<FileMeta> run = e.getValue();
        run.sort((a, b) -> InternalKey.compare(a.smallest(), b.smallest()));
        runs.add(new Run(e.getKey(), Collections.unmodifiableList(run)));
      }
      lv.add(Collections.unmodifiableList(runs));
    }
    this.levels = Collections.unmodifiableList(lv);
  }

  public int levelCount() {
    return levels.size();
  }

  /** Runs of a level, newest first. */
  public List<Run> runs(int level) {
    return levels.get(level);
  }

  public List<FileMeta> files(int level) {
    List<FileMeta> out = new ArrayList<>();
    for (Run r : levels.get(level)) {
      out.addAll(r.files());
    }
    return out;
  }

  public List<FileMeta> allFiles() {
    List<FileMeta> out = new ArrayList<>();
    for (int i = 0; i < levels.size(); i++) {
      out.addAll(files(i));
    }
    return out;
  }

  public long levelBytes(int level) {
    long sum = 0;
    for (Run r : levels.get(level)) {
      sum += r.bytes();
    }
    return sum;
  }

  public int runCount(int level) {
    return levels.get(level).size();
  }

  /** Pins this version; false if it was already released (the caller reads the current version again). */
  public boolean tryRef() {
    while (true) {
      int n = refs.get();
      if (n <= 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  public void unref() {
    if (refs.decrementAndGet() == 0) {
      onRelease.accept(this);
    }
  }
}
