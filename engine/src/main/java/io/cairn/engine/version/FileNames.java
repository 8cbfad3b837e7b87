package io.cairn.engine.version;

import io.cairn.engine.wal.LogWriter;
import java.nio.file.Path;

/**
 * The names of the files in a store directory, and parsing them back.
 *
 * <h2>Directory layout</h2>
 * A store directory holds these files and no others the store reads; any other file is left alone.
 * <ul>
 *   <li>{@code LOCK}: empty. An open store holds an exclusive lock on it, so one process (and one store) uses a
 *   directory at a time.</li>
 *   <li>{@code CURRENT}: the name of the live manifest and a newline. Replaced whole: written as
 *   {@code NNNNNN.tmp}, forced, renamed over {@code CURRENT}, and the directory forced.</li>
 *   <li>{@code MANIFEST-NNNNNN}: the log of version edits ({@link VersionEdit} records in {@link LogWriter} framing)
 *   that says which tables make up the store, its next file number, last sequence number and live log number. The
 *   one {@code CURRENT} names is live; older ones are deleted, except while a manifest write has failed.</li>
 *   <li>{@code NNNNNN.log}: write-ahead logs ({@code WriteBatch} records in {@link LogWriter} framing). Those at or
 *   above the manifest's log number hold writes not yet in tables and are replayed at open; older ones are
 *   deleted.</li>
 *   <li>{@code NNNNNN.sst}: tables (format at the top of {@code TableBuilder}). The live ones are those the manifest
 *   lists; any other is the output of a job under way, or a leftover the next sweep deletes.</li>
 *   <li>{@code NNNNNN.tmp}: a {@code CURRENT} being written.</li>
 *   <li>{@code RESERVE}: FIFO stores only: 64 KiB of zeros, deleted to make room for the manifest edits that drop
 *   tables when a write finds the disk full, and written again once the store has recovered.</li>
 * </ul>
 * Logs, tables, manifests and temp files share one counter (the manifest's next file number), so a number names one
 * file for the life of the store; numbers are written with at least six digits.
 */
public final class FileNames {
  public static final String CURRENT = "CURRENT";
  public static final String LOCK = "LOCK";
  /** A FIFO store's reserve: zeros it deletes to make room after a write found the disk full. */
  public static final String RESERVE = "RESERVE";
  private static final String MANIFEST_PREFIX = "MANIFEST-";

  private FileNames() {}

  public enum Kind { LOG, TABLE, MANIFEST, TEMP, CURRENT, LOCK, RESERVE, OTHER }

  public record Parsed(Kind kind, long number) {}

  public static Path log(Path dir, long number) {
    return dir.resolve(String.format("%06d.log", number));
  }

  public static Path table(Path dir, long number) {
    return dir.resolve(String.format("%06d.sst", number));
  }

  public static Path manifest(Path dir, long number) {
    return dir.resolve(String.format("%s%06d", MANIFEST_PREFIX, number));
  }

  public static Path temp(Path dir, long number) {
    return dir.resolve(String.format("%06d.tmp", number));
  }

  public static Parsed parse(String name) {
    if (name.equals(CURRENT)) {
      return new Parsed(Kind.CURRENT, 0);
    }
    if (name.equals(LOCK)) {
      return new Parsed(Kind.LOCK, 0);
    }
    if (name.equals(RESERVE)) {
      return new Parsed(Kind.RESERVE, 0);
    }
    if (name.startsWith(MANIFEST_PREFIX)) {
      long n = number(name.substring(MANIFEST_PREFIX.length()));
      return n < 0 ? new Parsed(Kind.OTHER, 0) : new Parsed(Kind.MANIFEST, n);
    }
    int dot = name.indexOf('.');
    if (dot > 0) {
      long n = number(name.substring(0, dot));
      String ext = name.substring(dot + 1);
      if (n >= 0) {
        switch (ext) {
          case "log":
            return new Parsed(Kind.LOG, n);
          case "sst":
            return new Parsed(Kind.TABLE, n);
          case "tmp":
            return new Parsed(Kind.TEMP, n);
          default:
            break;
        }
      }
    }
    return new Parsed(Kind.OTHER, 0);
  }

  private static long number(String digits) {
    if (digits.isEmpty() || digits.length() > 18) {
      return -1;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (!Character.isDigit(digits.charAt(i))) {
        return -1;
      }
    }
    return Long.parseLong(digits);
  }
}
