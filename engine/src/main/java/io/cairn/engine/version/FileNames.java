package io.cairn.engine.version;

import java.nio.file.Path;

/** The names of the files in a store directory, and parsing them back. */
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
