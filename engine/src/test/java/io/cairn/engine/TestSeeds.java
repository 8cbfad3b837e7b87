package io.cairn.engine;

/** Seeds for randomized tests: printed, and replayable with {@code -Dcairn.seed=N}. */
public final class TestSeeds {
  private TestSeeds() {}

  public static long seed(String test) {
    String given = System.getProperty("cairn.seed");
    long seed = given != null && !given.isEmpty() ? Long.parseLong(given) : System.nanoTime();
    System.out.println(test + ": seed " + seed + " (replay with -Dcairn.seed=" + seed + ")");
    return seed;
  }
}
