package io.cairn.server;

import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A statistic that every event loop bumps on every command (commands processed, keyspace hits, bytes in and out,
 * calls per command), without atomics: each thread adds to a cell of its own, found through a Netty FastThreadLocal
 * (an array slot on an event-loop thread), with a plain read and an opaque write; {@link #sum} adds the cells up.
 * A LongAdder's CAS and the cache lines its cells and bases share with neighbouring adders cost more on this path.
 * A cell outlives its thread, so no count is lost; {@link #reset} moves a baseline instead of writing other threads'
 * cells, so it never races with them.
 *
 * <p>Thread-safety: any thread may add (each to its own cell) and sum; a sum is as current as opaque reads make it.
 */
final class Counter {
  private static final VarHandle VALUE;

  static {
    try {
      VALUE = MethodHandles.lookup().findVarHandle(Cell.class, "value", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** One thread's count, padded so that two threads' cells never share a cache line. */
  @SuppressWarnings("unused") // the padding is never read
  private static final class Cell {
    long p0, p1, p2, p3, p4, p5, p6;
    long value;
    long q0, q1, q2, q3, q4, q5, q6;
  }

  private final CopyOnWriteArrayList<Cell> cells = new CopyOnWriteArrayList<>();
  private final FastThreadLocal<Cell> mine = new FastThreadLocal<>() {
    @Override
    protected Cell initialValue() {
      Cell c = new Cell();
      cells.add(c);
      return c;
    }
  };
  /** What {@link #sum} subtracts: the total at the last {@link #reset}. */
  private volatile long base;

  void increment() {
    add(1);
  }

  void add(long n) {
    Cell c = mine.get();
    VALUE.setOpaque(c, c.value + n);
  }

  private long raw() {
    long s = 0;
    for (Cell c : cells) {
      s += (long) VALUE.getOpaque(c);
    }
    return s;
  }

  long sum() {
    return raw() - base;
  }

  void reset() {
    base = raw();
  }
}
