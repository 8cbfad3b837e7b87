package io.cairn.engine.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file system for tests that can fail like real disks do: writes that fail, a disk that fills up, and a power loss
 * that drops every byte not forced with {@code sync} ({@link #powerLoss()}). It delegates to the local file system
 * and remembers, for each file written through it, how many bytes were synced.
 */
public final class FaultInjectionFileSystem implements FileSystem {
  private final FileSystem real = LocalFileSystem.INSTANCE;
  private final Map<Path, Long> syncedBytes = new ConcurrentHashMap<>();
  private volatile boolean frozen;
  private volatile boolean failWrites;
  private final AtomicLong bytesUntilFull = new AtomicLong(Long.MAX_VALUE);

  /** After this call every write, flush and sync fails: the machine has stopped. */
  public void freeze() {
    frozen = true;
  }

  public void failWrites(boolean on) {
    failWrites = on;
  }

  /** Lets {@code bytes} more bytes be appended, then fails appends with "No space left on device". */
  public void fillDiskAfter(long bytes) {
    bytesUntilFull.set(bytes);
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
  public WritableFile create(Path path) throws IOException {
    check(path);
    WritableFile w = real.create(path);
    syncedBytes.put(path, 0L);
    return new WritableFile() {
      @Override
      public void append(byte[] data, int off, int len) throws IOException {
        check(path);
        if (bytesUntilFull.addAndGet(-len) < 0) {
          throw new IOException("No space left on device (injected) writing " + path);
        }
        w.append(data, off, len);
      }

      @Override
      public void flush() throws IOException {
        check(path);
        w.flush();
      }

      @Override
      public void sync() throws IOException {
        check(path);
        w.sync();
        syncedBytes.put(path, w.size());
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
    return real.open(path);
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
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    check(target);
    real.rename(source, target);
    Long synced = syncedBytes.remove(source);
    if (synced != null) {
      syncedBytes.put(target, synced);
    }
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    check(dir);
    real.syncDirectory(dir);
  }

  @Override
  public Closeable lock(Path lockFile) throws IOException {
    return real.lock(lockFile);
  }
}
