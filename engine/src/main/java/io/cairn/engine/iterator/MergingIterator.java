package io.cairn.engine.iterator;

import io.cairn.engine.format.InternalKey;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges sorted children into one sorted stream. Equal internal keys cannot occur (sequence numbers are unique), so
 * the order is total. Children are given newest first; that order breaks no ties but keeps debugging readable.
 */
public final class MergingIterator implements InternalIterator {
  private final List<InternalIterator> children;
  private final PriorityQueue<InternalIterator> heap;
  private InternalIterator current;

  public MergingIterator(List<InternalIterator> children) {
    this.children = children;
    this.heap = new PriorityQueue<>(Math.max(1, children.size()), (a, b) -> InternalKey.compare(a.key(), b.key()));
  }

  @Override
  public boolean valid() {
    return current != null;
  }

  @Override
  public void seekToFirst() {
    heap.clear();
    for (InternalIterator c : children) {
      c.seekToFirst();
      if (c.valid()) {
        heap.add(c);
      }
    }
    current = heap.poll();
  }

  @Override
  public void seek(byte[] internalKey) {
    heap.clear();
    for (InternalIterator c : children) {
      c.seek(internalKey);
      if (c.valid()) {
        heap.add(c);
      }
    }
    current = heap.poll();
  }

  @Override
  public void next() {
    current.next();
    if (current.valid()) {
      heap.add(current);
    }
    current = heap.poll();
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
    RuntimeException first = null;
    for (InternalIterator c : children) {
      try {
        c.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
