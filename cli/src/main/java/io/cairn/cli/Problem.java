package io.cairn.cli;

import io.cairn.engine.CorruptionException;
import java.nio.file.Path;

/**
 * One thing wrong with a store's files: the file, the offset of the bad bytes (0 when the whole file is at fault),
 * and what is wrong.
 */
record Problem(Path file, long offset, String what) {

  /** The problem a corruption exception names, without the engine's "corruption in FILE at offset N: " prefix. */
  static Problem of(CorruptionException e) {
    String prefix = "corruption in " + e.file() + " at offset " + e.offset() + ": ";
    String message = e.getMessage();
    return new Problem(e.file(), e.offset(), message.startsWith(prefix) ? message.substring(prefix.length())
        : message);
  }

  @Override
  public String toString() {
    return file.getFileName() + " at offset " + offset + ": " + what;
  }
}
