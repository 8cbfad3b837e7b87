package io.cairn.engine;

/** Thrown inside a merge or a FIFO drop when the store is closing, to abandon the work (its outputs are deleted). */
final class ClosingException extends RuntimeException {
  ClosingException() {
    super("store closing", null, false, false);
  }
}
