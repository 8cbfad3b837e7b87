package io.cairn.engine.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A file system for tests that can fail like real disks do: writes that fail, a disk that fills up (after a number
 * of bytes, or when the files written through it reach a capacity, which deleting files frees again), appends to
 * chosen files that find no space or wait until released, reads of one offset that fail with an I/O error, forces that fail, and a power
 * loss that drops every byte not forced with {@code sync} ({@link #powerLoss()}). It delegates to the local file
 * system and remembers, for each file written through it, how many bytes were synced.
 *
 * <p>A failed force is modelled as Linux behaves after "fsyncgate": the pages it could not write are dropped and
 * marked clean, so a later force of the same file reports success without bringing them back. Here a file whose
 * force failed never becomes durable past what it held at its last successful force, however often it is forced
 * again; a store that trusts such a file loses acknowledged writes at the next {@link #powerLoss()}.
 */
public final class FaultInjectionFileSystem implements FileSystem {
  private static final String NO_SPACE = "No space left on device (injected)";

  private final FileSystem real = LocalFileSystem.INSTANCE;
  private final Map<Path, Long> syncedBytes = new ConcurrentHashMap<>();
  /** Files whose force failed: their synced length never moves again. */
  private final Set<Path> poisoned = ConcurrentHashMap.newKeySet();
  /** Bytes held by each file written through this file system, for the capacity model. */
  private final Map<Path, Long> fileBytes = new ConcurrentHashMap<>();
  private final Map<Path, Long> failingReads = new ConcurrentHashMap<>();
  private volatile boolean frozen;
  private volatile boolean failWrites;
  private volatile boolean failSyncs;
  private volatile Predicate<Path> noSpaceFor = p -> false;
  private volatile long capacityBytes = Long.MAX_VALUE;
  private volatile Predicate<Path> pauseFor = p -> false;
  private volatile java.util.concurrent.CountDownLatch paused = new java.util.concurrent.CountDownLatch(0);
  private final AtomicLong bytesUntilFull = new AtomicLong(Long.MAX_VALUE);

  /** After this call every write, flush and sync fails: the machine has stopped. */
  public void freeze() {
    frozen = true;
  }

  public void failWrites(boolean on) {
    failWrites = on;
  }

  /** While on, every {@code sync} fails with an I/O error, and the file it was called on stops becoming durable. */
  public void failSyncs(boolean on) {
    failSyncs = on;
  }

  /** Lets {@code bytes} more bytes be appended, then fails appends with "No space left on device". */
  public void fillDiskAfter(long bytes) {
    bytesUntilFull.set(bytes);
  }

  /** Ends {@link #fillDiskAfter} and {@link #noSpaceFor}: appends succeed again (within the capacity). */
  public void freeDisk() {
    bytesUntilFull.set(Long.MAX_VALUE);
    noSpaceFor = p -> false;
  }

  /**
   * Appends to the files {@code files} matches fail with "No space left on device" (until {@link #freeDisk}); the
   * rest succeed. For failing one kind of write: the log, tables, or the manifest.
   */
  public void noSpaceFor(Predicate<Path> files) {
    noSpaceFor = files;
  }

  /**
   * A disk of {@code bytes}: appends fail with "No space left on device" once the files written through this file
   * system hold that many bytes; deleting them makes room again. {@link Long#MAX_VALUE} turns it off.
   */
  public void capacity(long bytes) {
    capacityBytes = bytes;
  }

  /**
   * Appends to the files {@code files} matches block until {@link #resumeAppends}: a disk that has stopped answering
   * for those writes (a slow flush, for instance).
   */
  public void pauseAppends(Predicate<Path> files) {
    paused = new java.util.concurrent.CountDownLatch(1);
    pauseFor = files;
  }

  public void resumeAppends() {
    pauseFor = p -> false;
    paused.countDown();
  }

  /** Bytes held by the files written through this file system and not deleted. */
  public long usedBytes() {
    long sum = 0;
    for (long b : fileBytes.values()) {
      sum += b;
    }
    return sum;
  }

  /** Reads of {@code file} that cover byte {@code offset} fail with an I/O error until {@link #healReads}. */
  public void failReadsAt(Path file, long offset) {
    failingReads.put(file, offset);
  }

  public void healReads() {
    failingReads.clear();
  }

  /** Truncates every file written through this file system to its last synced length. Call after {@link #freeze()}. */
  public void powerLoss() throws IOException {
    for (Map.Entry<Path, Long> e : syncedBytes.entrySet()) {
      if (real.exists(e.getKey())) {
        try (FileChannel ch = FileChannel.open(e.getKey(), StandardOpenOption.WRITE)) {
          if (ch.size() > e.getValue()) {
            ch.truncate(e.getValue());
          }
        }
      }
    }
  }

  @Override
  public long usableSpace(Path dir) {
    long left = Math.min(real.usableSpace(dir), Math.max(0, bytesUntilFull.get()));
    long cap = capacityBytes;
    if (cap != Long.MAX_VALUE) {
      left = Math.min(left, Math.max(0, cap - usedBytes()));
    }
    return left;
  }

  @Override
  public WritableFile create(Path path) throws IOException {
    check(path);
    WritableFile w = real.create(path);
    syncedBytes.put(path, 0L);
    poisoned.remove(path);
    fileBytes.put(path, 0L);
    return faulty(path, w);
  }

  @Override
  public WritableFile append(Path path) throws IOException {
    check(path);
    WritableFile w = real.append(path);
    syncedBytes.putIfAbsent(path, w.size());
    fileBytes.putIfAbsent(path, w.size());
    return faulty(path, w);
  }

  @Override
  public boolean supportsAppend() {
    return true;
  }

  private WritableFile faulty(Path path, WritableFile w) {
    return new WritableFile() {
      @Override
      public void append(byte[] data, int off, int len) throws IOException {
        check(path);
        if (pauseFor.test(path)) {
          try {
            paused.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while appends are paused");
          }
        }
        if (noSpaceFor.test(path)) {
          throw new IOException(NO_SPACE + " writing " + path);
        }
        long cap = capacityBytes;
        if (cap != Long.MAX_VALUE && usedBytes() + len > cap) {
          throw new IOException(NO_SPACE + " writing " + path + " (disk of " + cap + " bytes is full)");
        }
        if (bytesUntilFull.addAndGet(-len) < 0) {
          throw new IOException(NO_SPACE + " writing " + path);
        }
        w.append(data, off, len);
        fileBytes.merge(path, (long) len, Long::sum);
      }

      @Override
      public void flush() throws IOException {
        check(path);
        w.flush();
      }

      @Override
      public void sync() throws IOException {
        check(path);
        if (failSyncs) {
          poisoned.add(path);
          throw new IOException("Input/output error (injected): fsync of " + path + " failed");
        }
        w.sync();
        if (!poisoned.contains(path)) {
          syncedBytes.put(path, w.size());
        }
      }

      @Override
      public long size() {
        return w.size();
      }

      @Override
      public void close() throws IOException {
        if (frozen) {
          return;
        }
        w.close();
      }
    };
  }

  private void check(Path path) throws IOException {
    if (frozen) {
      throw new IOException("machine stopped (injected) at " + path);
    }
    if (failWrites) {
      throw new IOException("write failure (injected) at " + path);
    }
  }

  @Override
  public ReadableFile open(Path path) throws IOException {
    ReadableFile r = real.open(path);
    return new ReadableFile() {
      @Override
      public void read(long position, byte[] dst, int off, int len) throws IOException {
        Long bad = failingReads.get(path);
        if (bad != null && bad >= position && bad < position + len) {
          throw new IOException("Input/output error (injected) reading " + len + " bytes at offset " + position
              + " of " + path);
        }
        r.read(position, dst, off, len);
      }

      @Override
      public long size() throws IOException {
        return r.size();
      }

      @Override
      public void close() throws IOException {
        r.close();
      }
    };
  }

  @Override
  public byte[] readAll(Path path) throws IOException {
    return real.readAll(path);
  }

  @Override
  public boolean exists(Path path) {
    return real.exists(path);
  }

  @Override
  public boolean isDirectory(Path path) {
    return real.isDirectory(path);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    real.createDirectories(dir);
  }

  @Override
  public List<String> list(Path dir) throws IOException {
    return real.list(dir);
  }

  @Override
  public void delete(Path path) throws IOException {
    if (frozen) {
      throw new IOException("machine stopped (injected)");
    }
    real.delete(path);
    fileBytes.remove(path);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    check(target);
    real.rename(source, target);
    Long synced = syncedBytes.remove(source);
    if (synced != null) {
      syncedBytes.put(target, synced);
    }
    Long bytes = fileBytes.remove(source);
    if (bytes != null) {
      fileBytes.put(target, bytes);
    }
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    check(dir);
    if (failSyncs) {
      throw new IOException("Input/output error (injected): fsync of directory " + dir + " failed");
    }
    real.syncDirectory(dir);
  }

  @Override
  public Closeable lock(Path lockFile) throws IOException {
    return real.lock(lockFile);
  }
}
