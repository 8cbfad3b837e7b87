package io.cairn.cli;

/** A command cannot run: the directory is missing, locked, not a store, or damaged. The message says which. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }

  CliException(String message, Throwable cause) {
    super(message, cause);
  }
}
