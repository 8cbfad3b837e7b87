package io.cairn.engine;

import java.nio.file.Path;

/**
 * A failure that stopped or slowed a store, as its error handler classified it (after RocksDB's {@code ErrorHandler}):
 * what went wrong ({@link Kind}), what the store does about it ({@link Severity}) and which work failed
 * ({@link Operation}).
 *
 * <table>
 *   <caption>What each kind does</caption>
 *   <tr><th>kind</th><th>while writing, flushing or writing the manifest</th><th>while compacting</th></tr>
 *   <tr><td>{@link Kind#NO_SPACE}</td><td>{@link Severity#HARD}: writes fail fast; retried automatically with
 *   backoff once the disk has room (a FIFO store first drops its oldest tables to make room)</td>
 *   <td>{@link Severity#SOFT}: writes go on; compaction waits for room</td></tr>
 *   <tr><td>{@link Kind#IO}</td><td colspan="2">{@link Severity#HARD}: writes fail fast; retried automatically with
 *   backoff, and {@link Store#resume()} retries at once</td></tr>
 *   <tr><td>{@link Kind#CORRUPTION}</td><td colspan="2">{@link Severity#FATAL}: writes stop for good; reads of
 *   undamaged data go on, a read of damaged data fails naming the file and offset</td></tr>
 *   <tr><td>{@link Kind#OTHER}</td><td colspan="2">{@link Severity#HARD}, as {@link Kind#IO}</td></tr>
 * </table>
 *
 * <p>Reads work in every state, and no state ever makes a read return a wrong value.
 *
 * @param directory the store's directory
 * @param kind what went wrong
 * @param severity what the store does about it
 * @param operation the work that failed
 * @param cause the failure itself
 */
public record StoreError(Path directory, Kind kind, Severity severity, Operation operation, Throwable cause) {

  /** What went wrong. */
  public enum Kind {
    /** The file system is full ("No space left on device", "Disk quota exceeded"). */
    NO_SPACE,
    /** Any other I/O failure: a failed write, read or fsync. */
    IO,
    /** Stored bytes failed a check ({@link CorruptionException}). */
    CORRUPTION,
    /** A failure that is not I/O: a {@link FifoDropListener} that threw, or an engine bug. */
    OTHER
  }

  /** What the store does about an error, least severe first. */
  public enum Severity {
    /** Writes go on; the failed background work waits and is retried. */
    SOFT,
    /** Writes fail fast until a retry succeeds (automatically, with backoff, or through {@link Store#resume()}). */
    HARD,
    /** Writes fail until the store is reopened; {@link Store#resume()} refuses. */
    FATAL
  }

  /** The work that failed. */
  public enum Operation {
    /** Appending a write batch to the write-ahead log, or starting a new log. */
    WAL_WRITE,
    /** Forcing the write-ahead log to the device. */
    WAL_SYNC,
    /** Writing a memtable to a table. */
    FLUSH,
    /** Merging or dropping tables (including a FIFO drop and its listener). */
    COMPACTION,
    /** Recording a change of the table set in the manifest. */
    MANIFEST_WRITE,
    /** A read found damaged data. */
    READ
  }

  /** Whether the store refuses writes while this error stands. */
  public boolean stopsWrites() {
    return severity != Severity.SOFT;
  }

  /** Classifies {@code cause}, which {@code operation} raised in the store in {@code directory}. */
  public static StoreError classify(Path directory, Operation operation, Throwable cause) {
    Kind kind = kindOf(cause);
    Severity severity = switch (kind) {
      case CORRUPTION -> Severity.FATAL;
      case NO_SPACE -> operation == Operation.COMPACTION ? Severity.SOFT : Severity.HARD;
      case IO, OTHER -> Severity.HARD;
    };
    return new StoreError(directory, kind, severity, operation, cause);
  }

  /** Whether {@code cause} (or one of its causes) says the disk is full. */
  static boolean noSpace(Throwable cause) {
    return kindOf(cause) == Kind.NO_SPACE;
  }

  private static Kind kindOf(Throwable cause) {
    boolean io = false;
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CorruptionException) {
        return Kind.CORRUPTION;
      }
      if (t instanceof java.io.IOException) {
        io = true;
        String m = t.getMessage();
        if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
          return Kind.NO_SPACE;
        }
      }
      if (t instanceof java.io.UncheckedIOException) {
        io = true;
      }
    }
    return io ? Kind.IO : Kind.OTHER;
  }

  /** One line for logs and exception messages: what failed, where, and why. */
  public String describe() {
    String what = switch (kind) {
      case NO_SPACE -> "out of disk space";
      case IO -> "an I/O error";
      case CORRUPTION -> "corruption";
      case OTHER -> "a failure";
    };
    String during = switch (operation) {
      case WAL_WRITE -> "writing the log";
      case WAL_SYNC -> "forcing the log to the device";
      case FLUSH -> "flushing a memtable";
      case COMPACTION -> "compacting";
      case MANIFEST_WRITE -> "writing the manifest";
      case READ -> "reading";
    };
    return what + " while " + during + " (" + severity + "): " + cause;
  }
}
