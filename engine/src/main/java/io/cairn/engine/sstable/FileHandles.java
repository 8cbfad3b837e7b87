package io.cairn.engine.sstable;

import io.cairn.engine.fs.FileSystem;
import io.cairn.engine.fs.FileSystem.ReadableFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The open file handles of tables, shared by every store of an environment and bounded: when opening one more would
 * pass {@code maxOpen}, the least recently used handle that no read is using is closed (CLOCK: a handle used since
 * the hand last passed gets another round). A closed handle is reopened on its table's next read. A table keeps its
 * footer, properties and filter on the heap whether its handle is open or not, so a reopen costs one {@code open}.
 *
 * <p>Each table has a {@link Handle}, a {@link ReadableFile} whose reads borrow the open file (opening it if needed)
 * for the length of the read, so no handle is closed under a read. A read takes only its handle's monitor; opening a
 * file also takes the ring's lock, to note it and close others.
 *
 * <p>Thread-safety: a handle's {@code file}, {@code users} and {@code retired} are guarded by its monitor;
 * {@code ring} by {@code ringLock} (taken before any handle's monitor, never while one is held); {@code referenced}
 * is a plain volatile flag.
 */
public final class FileHandles {
  private final int maxOpen;
  private final AtomicInteger open = new AtomicInteger();
  private final ReentrantLock ringLock = new ReentrantLock();
  private final ArrayDeque<Handle> ring = new ArrayDeque<>();
  private final LongAdder opens = new LongAdder();
  private final LongAdder evictions = new LongAdder();

  /** @param maxOpen the most handles kept open at once (more are open only while reads use them all) */
  public FileHandles(int maxOpen) {
    if (maxOpen < 1) {
      throw new IllegalArgumentException("maxOpen must be at least 1, was " + maxOpen);
    }
    this.maxOpen = maxOpen;
  }

  /** A handle on the table file {@code path}, opened now (to check it exists and learn its size). */
  public Handle handle(FileSystem fs, Path path) throws IOException {
    Handle h = new Handle(fs, path);
    h.size = h.withFile(ReadableFile::size);
    return h;
  }

  /** Handles open now. */
  public int openFiles() {
    return open.get();
  }

  public int maxOpenFiles() {
    return maxOpen;
  }

  /** Times a table file was opened (a first open or a reopen after its handle was closed). */
  public long opens() {
    return opens.sum();
  }

  /** Handles closed to stay within the bound. */
  public long evictions() {
    return evictions.sum();
  }

  /** Notes a handle just opened and closes unused ones while more than {@code maxOpen} are open. */
  private void opened(Handle h) {
    opens.increment();
    ringLock.lock();
    try {
      ring.addLast(h);
      int budget = 2 * ring.size();
      while (open.get() > maxOpen && budget-- > 0 && !ring.isEmpty()) {
        Handle candidate = ring.pollFirst();
        if (!candidate.closeIfIdle()) {
          ring.addLast(candidate);
        }
      }
    } finally {
      ringLock.unlock();
    }
  }

  private void forget(Handle h) {
    ringLock.lock();
    try {
      ring.remove(h);
    } finally {
      ringLock.unlock();
    }
  }

  /** One table's file: read through it; {@link #close()} when the table goes. */
  public final class Handle implements ReadableFile {
    private final FileSystem fs;
    private final Path path;
    private long size;
    private ReadableFile file;
    private int users;
    private boolean retired;
    private volatile boolean referenced;

    private Handle(FileSystem fs, Path path) {
      this.fs = fs;
      this.path = path;
    }

    private interface Use<T> {
      T apply(ReadableFile f) throws IOException;
    }

    private <T> T withFile(Use<T> use) throws IOException {
      ReadableFile f;
      boolean openedNow = false;
      synchronized (this) {
        if (retired) {
          throw new IOException("table file " + path + " is closed");
        }
        if (file == null) {
          file = fs.open(path);
          open.incrementAndGet();
          openedNow = true;
        }
        users++;
        f = file;
      }
      referenced = true;
      if (openedNow) {
        opened(this);
      }
      try {
        return use.apply(f);
      } finally {
        release();
      }
    }

    private void release() {
      ReadableFile toClose = null;
      synchronized (this) {
        users--;
        if (users == 0 && retired && file != null) {
          toClose = file;
          file = null;
          open.decrementAndGet();
        }
      }
      closeQuietly(toClose);
    }

    /** Closes the file if no read uses it and it was not used since the hand last passed; true once closed. */
    private boolean closeIfIdle() {
      ReadableFile toClose;
      synchronized (this) {
        if (file == null) {
          return true;
        }
        if (users > 0) {
          return false;
        }
        if (referenced) {
          referenced = false;
          return false;
        }
        toClose = file;
        file = null;
        open.decrementAndGet();
      }
      evictions.increment();
      closeQuietly(toClose);
      return true;
    }

    @Override
    public void read(long position, byte[] dst, int off, int len) throws IOException {
      withFile(f -> {
        f.read(position, dst, off, len);
        return null;
      });
    }

    @Override
    public long size() {
      return size;
    }

    /** The table is gone: closes the file now, or when the last read using it ends. */
    @Override
    public void close() {
      ReadableFile toClose = null;
      synchronized (this) {
        retired = true;
        if (users == 0 && file != null) {
          toClose = file;
          file = null;
          open.decrementAndGet();
        }
      }
      forget(this);
      closeQuietly(toClose);
    }
  }

  private static void closeQuietly(ReadableFile f) {
    if (f != null) {
      try {
        f.close();
      } catch (IOException ignored) {
        // A read-only file: nothing was lost by a failed close.
      }
    }
  }
}
