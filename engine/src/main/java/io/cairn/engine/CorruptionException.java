package io.cairn.engine;

import java.nio.file.Path;

/** Stored bytes failed a check (checksum, magic, length, ordering). Names the file and the offset of the bad bytes. */
public class CorruptionException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final Path file;
  private final long offset;

  public CorruptionException(Path file, long offset, String what) {
    super("corruption in " + file + " at offset " + offset + ": " + what);
    this.file = file;
    this.offset = offset;
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }
}
