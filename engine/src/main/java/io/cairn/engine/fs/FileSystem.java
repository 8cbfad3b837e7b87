package io.cairn.engine.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** All file I/O the engine performs. Implementations must be safe for use by many threads. */
public interface FileSystem {
  /** Creates (truncating) a file for appending. */
  WritableFile create(Path path) throws IOException;

  /**
   * Opens an existing file to append to its end; its {@link WritableFile#size()} starts at the file's length. Only
   * called when {@link #supportsAppend()} says so: the store then keeps its manifest closed between edits, one file
   * handle less per store.
   *
   * @throws UnsupportedOperationException by default
   */
  default WritableFile append(Path path) throws IOException {
    throw new UnsupportedOperationException(getClass().getName() + " cannot reopen " + path + " to append to it");
  }

  /** Whether {@link #append} works; false by default. */
  default boolean supportsAppend() {
    return false;
  }

  /** Opens an existing file for positional reads. */
  ReadableFile open(Path path) throws IOException;

  /** Reads a whole small file (CURRENT). */
  byte[] readAll(Path path) throws IOException;

  boolean exists(Path path);

  boolean isDirectory(Path path);

  void createDirectories(Path dir) throws IOException;

  /** File names (not paths) directly inside {@code dir}. */
  List<String> list(Path dir) throws IOException;

  void delete(Path path) throws IOException;

  /** Atomically replaces {@code target} with {@code source}. */
  void rename(Path source, Path target) throws IOException;

  /** Makes directory entries (creations, renames) durable. */
  void syncDirectory(Path dir) throws IOException;

  /** Takes an exclusive, process-wide lock on {@code lockFile}; fails if another process (or open store) holds it. */
  Closeable lock(Path lockFile) throws IOException;

  /**
   * Bytes that may still be written to the file system holding {@code dir}, or {@link Long#MAX_VALUE} when this file
   * system cannot tell (the default). The store reserves space for compactions against it and, under FIFO
   * compaction, drops its oldest tables before the disk fills.
   */
  default long usableSpace(Path dir) {
    return Long.MAX_VALUE;
  }

  /** A file being appended to. */
  interface WritableFile extends Closeable {
    void append(byte[] data, int off, int len) throws IOException;

    /** Hands buffered bytes to the operating system (survives a killed process). */
    void flush() throws IOException;

    /** Forces written bytes to the device (survives power loss). */
    void sync() throws IOException;

    long size();
  }

  /** A file read at explicit positions; safe for concurrent readers. */
  interface ReadableFile extends Closeable {
    /** Reads exactly {@code len} bytes at {@code position}, or throws {@link java.io.EOFException}. */
    void read(long position, byte[] dst, int off, int len) throws IOException;

    long size() throws IOException;
  }
}
