package io.cairn.engine.fs;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The real file system, through {@link FileChannel}. */
public final class LocalFileSystem implements FileSystem {
  public static final LocalFileSystem INSTANCE = new LocalFileSystem();

  private static final int WRITE_BUFFER_BYTES = 64 * 1024;

  private LocalFileSystem() {}

  @Override
  public WritableFile create(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    return new BufferedWritable(ch, 0);
  }

  @Override
  public WritableFile append(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    try {
      return new BufferedWritable(ch, ch.size());
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  @Override
  public boolean supportsAppend() {
    return true;
  }

  @Override
  public ReadableFile open(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    return new ChannelReadable(ch, path);
  }

  @Override
  public byte[] readAll(Path path) throws IOException {
    return Files.readAllBytes(path);
  }

  @Override
  public boolean exists(Path path) {
    return Files.exists(path);
  }

  @Override
  public boolean isDirectory(Path path) {
    return Files.isDirectory(path);
  }

  @Override
  public void createDirectories(Path dir) throws IOException {
    Files.createDirectories(dir);
  }

  @Override
  public List<String> list(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }

  @Override
  public void delete(Path path) throws IOException {
    Files.deleteIfExists(path);
  }

  @Override
  public void rename(Path source, Path target) throws IOException {
    Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void syncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (AccessDeniedException | NoSuchFileException e) {
      throw e;
    } catch (IOException e) {
      // Some platforms cannot open a directory for reading; there the rename is as durable as the OS makes it.
    }
  }

  @Override
  public Closeable lock(Path lockFile) throws IOException {
    FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      throw new IOException("store directory " + lockFile.getParent() + " is in use by another open store or process"
          + " (lock file " + lockFile + " is held)");
    }
    FileLock held = lock;
    return () -> {
      try {
        held.release();
      } finally {
        ch.close();
      }
    };
  }

  @Override
  public long usableSpace(Path dir) {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }

  private static final class BufferedWritable implements WritableFile {
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(WRITE_BUFFER_BYTES);
    private long size;

    BufferedWritable(FileChannel channel, long size) {
      this.channel = channel;
      this.size = size;
    }

    @Override
    public void append(byte[] data, int off, int len) throws IOException {
      size += len;
      while (len > 0) {
        if (!buffer.hasRemaining()) {
          drain();
        }
        int n = Math.min(len, buffer.remaining());
        buffer.put(data, off, n);
        off += n;
        len -= n;
      }
    }

    private void drain() throws IOException {
      buffer.flip();
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      buffer.clear();
    }

    @Override
    public void flush() throws IOException {
      drain();
    }

    @Override
    public void sync() throws IOException {
      drain();
      channel.force(false);
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void close() throws IOException {
      try {
        drain();
      } finally {
        channel.close();
      }
    }
  }

  private static final class ChannelReadable implements ReadableFile {
    private final FileChannel channel;
    private final Path path;

    ChannelReadable(FileChannel channel, Path path) {
      this.channel = channel;
      this.path = path;
    }

    @Override
    public void read(long position, byte[] dst, int off, int len) throws IOException {
      ByteBuffer buf = ByteBuffer.wrap(dst, off, len);
      long pos = position;
      while (buf.hasRemaining()) {
        int n = channel.read(buf, pos);
        if (n < 0) {
          throw new EOFException("unexpected end of " + path + " at offset " + pos + " reading " + len + " bytes from "
              + position);
        }
        pos += n;
      }
    }

    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
