package io.cairn.engine;

/** An engine failure: an I/O error, a closed store, or a background error that stopped writes. */
public class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
