package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.TestSeeds;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Threads race get, put, remove, putIfAbsent, replace, getAndPut, conditional remove and an increment entry processor
 * on two keys; every run's history is checked to be linearizable: some serial order of the operations, respecting
 * real-time order, explains every result (Wing and Gong's search, memoized). Linearizability is local, so each key's
 * history is checked on its own. With a heap tier of one entry, every operation also moves entries between tiers.
 * Rounds: {@code -Dcairn.lin.rounds} (default 150).
 */
class LinearizabilityTest {
  private static final int THREADS = 3;
  private static final int OPS_PER_THREAD = 6;

  enum Kind { GET, PUT, REMOVE, PUT_IF_ABSENT, REPLACE, GET_AND_PUT, REMOVE_IF, INCREMENT }

  /** One completed operation: what was asked, what came back, and when. */
  record Op(Kind kind, int arg, Object result, long call, long ret) {}

  /** The model: applies an op to a value (null = absent); returns {new value, expected result}. */
  static Object[] apply(Op op, Integer v) {
    return switch (op.kind()) {
      case GET -> new Object[] {v, v};
      case PUT -> new Object[] {op.arg(), null};
      case REMOVE -> new Object[] {null, v != null};
      case PUT_IF_ABSENT -> v == null ? new Object[] {op.arg(), true} : new Object[] {v, false};
      case REPLACE -> v != null ? new Object[] {op.arg(), true} : new Object[] {null, false};
      case GET_AND_PUT -> new Object[] {op.arg(), v};
      case REMOVE_IF -> v != null && v == op.arg() ? new Object[] {null, true} : new Object[] {v, false};
      case INCREMENT -> new Object[] {v == null ? 1 : v + 1, v == null ? 1 : v + 1};
    };
  }

  static boolean linearizable(List<Op> ops) {
    return search(ops, (1L << ops.size()) - 1, null, new HashSet<>());
  }

  private static boolean search(List<Op> ops, long remaining, Integer state, Set<List<Object>> failed) {
    if (remaining == 0) {
      return true;
    }
    List<Object> memo = List.of(remaining, Objects.toString(state));
    if (failed.contains(memo)) {
      return false;
    }
    long minRet = Long.MAX_VALUE;
    for (int i = 0; i < ops.size(); i++) {
      if ((remaining & (1L << i)) != 0) {
        minRet = Math.min(minRet, ops.get(i).ret());
      }
    }
    for (int i = 0; i < ops.size(); i++) {
      if ((remaining & (1L << i)) == 0 || ops.get(i).call() > minRet) {
        continue;
      }
      Object[] r = apply(ops.get(i), state);
      if (Objects.equals(r[1], ops.get(i).result())
          && search(ops, remaining & ~(1L << i), (Integer) r[0], failed)) {
        return true;
      }
    }
    failed.add(memo);
    return false;
  }

  @org.junit.jupiter.api.Test
  void checkerRejectsAHistoryNoSerialOrderExplains() {
    List<Op> stale = List.of(new Op(Kind.PUT, 2, null, 0, 10), new Op(Kind.GET, 0, null, 20, 30));
    assertTrue(!linearizable(stale), "a read after a completed put cannot see nothing");
    List<Op> overlapping = List.of(new Op(Kind.PUT, 2, null, 0, 10), new Op(Kind.GET, 0, null, 5, 30));
    assertTrue(linearizable(overlapping), "a read overlapping the put may see the old state");
    List<Op> lostIncrement = List.of(new Op(Kind.INCREMENT, 0, 1, 0, 10), new Op(Kind.INCREMENT, 0, 1, 20, 30));
    assertTrue(!linearizable(lostIncrement), "two sequential increments cannot both return 1");
  }

  @ParameterizedTest(name = "heap entries {0}")
  @ValueSource(longs = {1, 1000})
  void everyHistoryIsLinearizable(long heapEntries) throws Exception {
    long seed = TestSeeds.seed("LinearizabilityTest");
    System.out.println("LinearizabilityTest heap " + heapEntries + ": seed " + seed);
    int rounds = Integer.getInteger("cairn.lin.rounds", 150);
    CacheManager m = Caching.getCachingProvider(CairnCachingProvider.class.getName())
        .getCacheManager(URI.create("urn:cairn:lin-" + heapEntries), getClass().getClassLoader());
    CairnConfiguration<Integer, Integer> conf = new CairnConfiguration<Integer, Integer>().setHeapEntries(heapEntries);
    conf.setTypes(Integer.class, Integer.class);
    Cache<Integer, Integer> cache = m.createCache("lin", conf);
    Random master = new Random(seed);
    try {
      for (int round = 0; round < rounds; round++) {
        cache.removeAll();
        List<List<Op>> perKey = List.of(new ArrayList<>(), new ArrayList<>());
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Thread> threads = new ArrayList<>();
        List<List<Object[]>> recorded = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          long threadSeed = master.nextLong();
          List<Object[]> mine = new ArrayList<>();
          recorded.add(mine);
          threads.add(new Thread(() -> {
            Random r = new Random(threadSeed);
            try {
              start.await();
            } catch (Exception e) {
              throw new AssertionError(e);
            }
            for (int i = 0; i < OPS_PER_THREAD; i++) {
              int key = r.nextInt(2);
              Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
              int arg = r.nextInt(3);
              long call = System.nanoTime();
              Object result = run(cache, kind, key, arg);
              long ret = System.nanoTime();
              mine.add(new Object[] {key, new Op(kind, arg, result, call, ret)});
            }
          }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
          t.join();
        }
        for (List<Object[]> list : recorded) {
          for (Object[] e : list) {
            perKey.get((Integer) e[0]).add((Op) e[1]);
          }
        }
        for (int k = 0; k < 2; k++) {
          List<Op> history = perKey.get(k);
          assertTrue(linearizable(history), "seed " + seed + " round " + round + " key " + k
              + ": history is not linearizable: " + history);
        }
      }
    } finally {
      m.close();
    }
  }

  private static Object run(Cache<Integer, Integer> c, Kind kind, int key, int arg) {
    return switch (kind) {
      case GET -> c.get(key);
      case PUT -> {
        c.put(key, arg);
        yield null;
      }
      case REMOVE -> c.remove(key);
      case PUT_IF_ABSENT -> c.putIfAbsent(key, arg);
      case REPLACE -> c.replace(key, arg);
      case GET_AND_PUT -> c.getAndPut(key, arg);
      case REMOVE_IF -> c.remove(key, arg);
      case INCREMENT -> c.invoke(key, (e, a) -> {
        int next = e.exists() ? e.getValue() + 1 : 1;
        e.setValue(next);
        return next;
      });
    };
  }
}
