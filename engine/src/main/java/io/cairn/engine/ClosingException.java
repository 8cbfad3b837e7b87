package io.cairn.engine;

/** Thrown inside a merge or a FIFO drop when the store is closing, to abandon the work (its outputs are deleted). */
final class ClosingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ClosingException() {
    super("store closing", null, false, false);
  }
}
