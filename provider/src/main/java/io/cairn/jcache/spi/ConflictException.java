package io.cairn.jcache.spi;

/**
 * A conditional write or delete of a {@link SharedTier} found the entry changed by another writer since the caller
 * read it. The cache catches it, forgets its near copy and runs the operation again from a fresh read.
 */
public final class ConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(message, null, false, false);
  }
}
