package io.cairn.engine;

/**
 * Disk space promised to compactions that are running, so that two jobs, or a job and the user's writes, never count
 * on the same free bytes (RocksDB's {@code SstFileManager}). A compaction reserves about its input's size before it
 * starts, and does not start when the disk, less what is reserved already, would keep less free than the headroom
 * the store's writes need ({@link Options#writeHeadroomBytes}). It gives the reservation back as its outputs are
 * written (they now take real space) and the rest when it ends.
 *
 * <p>Thread-safe: every method is synchronized (a few calls per compaction).
 */
final class SpaceReservations {
  private long reservedBytes;

  /** Space held for one compaction; {@link #close} gives back what is left. */
  final class Reservation implements AutoCloseable {
    private long bytes;

    private Reservation(long bytes) {
      this.bytes = bytes;
    }

    /** The compaction wrote {@code fileBytes} more: that much of the reservation is now on disk. */
    void written(long fileBytes) {
      synchronized (SpaceReservations.this) {
        long n = Math.min(bytes, fileBytes);
        bytes -= n;
        reservedBytes -= n;
      }
    }

    @Override
    public void close() {
      written(Long.MAX_VALUE);
    }
  }

  /**
   * Reserves {@code bytes} if {@code usableBytes} (what the file system says may still be written;
   * {@link Long#MAX_VALUE} when it cannot tell) less what is reserved already leaves at least {@code headroomBytes};
   * null if it does not.
   */
  synchronized Reservation tryReserve(long usableBytes, long bytes, long headroomBytes) {
    if (usableBytes != Long.MAX_VALUE && usableBytes - reservedBytes - bytes < headroomBytes) {
      return null;
    }
    reservedBytes += bytes;
    return new Reservation(bytes);
  }

  synchronized long reservedBytes() {
    return reservedBytes;
  }
}
