package io.cairn.engine.iterator;

import io.cairn.engine.format.InternalKey;
import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.Run;
import java.util.function.Function;

/** Iterates one sorted run, opening its tables one at a time as the cursor reaches them. */
public final class RunIterator implements InternalIterator {
  private final Run run;
  private final Function<FileMeta, InternalIterator> opener;
  private int index;
  private InternalIterator current;

  public RunIterator(Run run, Function<FileMeta, InternalIterator> opener) {
    this.run = run;
    this.opener = opener;
  }

  @Override
  public boolean valid() {
    return current != null && current.valid();
  }

  @Override
  public void seekToFirst() {
    open(0);
    if (current != null) {
      current.seekToFirst();
    }
    skipExhausted();
  }

  @Override
  public void seek(byte[] internalKey) {
    byte[] user = InternalKey.userKey(internalKey);
    open(run.firstAtOrAfter(user));
    if (current != null) {
      current.seek(internalKey);
    }
    skipExhausted();
  }

  @Override
  public void next() {
    current.next();
    skipExhausted();
  }

  private void open(int i) {
    if (current != null) {
      current.close();
    }
    index = i;
    current = i < run.files().size() ? opener.apply(run.files().get(i)) : null;
  }

  private void skipExhausted() {
    while (current != null && !current.valid()) {
      open(index + 1);
      if (current != null) {
        current.seekToFirst();
      }
    }
  }

  @Override
  public byte[] key() {
    return current.key();
  }

  @Override
  public byte[] value() {
    return current.value();
  }

  @Override
  public void close() {
    if (current != null) {
      current.close();
      current = null;
    }
  }
}
