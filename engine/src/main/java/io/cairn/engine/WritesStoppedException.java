package io.cairn.engine;

/**
 * A write refused at once because an earlier failure stopped the store's writes ({@link StoreError#stopsWrites()}).
 * The store is still open and readable; the message says what failed and what brings writes back. Refusals are
 * counted ({@link StoreStatistics.Errors#rejectedWrites()}), not logged one by one.
 */
public class WritesStoppedException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final transient StoreError error;

  public WritesStoppedException(String message, StoreError error) {
    super(message, error.cause());
    this.error = error;
  }

  /** The failure that stopped writes. */
  public StoreError error() {
    return error;
  }
}
