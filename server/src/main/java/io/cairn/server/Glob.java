package io.cairn.server;

/**
 * Redis's glob patterns (KEYS, SCAN MATCH, PSUBSCRIBE, PUBSUB CHANNELS): {@code *} any run, {@code ?} one byte,
 * {@code [abc]}, {@code [^abc]}, {@code [a-z]} sets (an unclosed set ends the pattern), {@code \x} a literal x.
 * Matching backtracks to the last {@code *} only, so it is linear in practice and cannot recurse deeply on hostile
 * patterns.
 */
final class Glob {
  private Glob() {}

  static boolean matches(byte[] p, byte[] s) {
    int pi = 0;
    int si = 0;
    int starP = -1;
    int starS = 0;
    while (si < s.length) {
      if (pi < p.length) {
        byte c = p[pi];
        if (c == '*') {
          while (pi < p.length && p[pi] == '*') {
            pi++;
          }
          if (pi == p.length) {
            return true;
          }
          starP = pi;
          starS = si;
          continue;
        }
        int next = matchOne(p, pi, s[si]);
        if (next >= 0) {
          pi = next;
          si++;
          continue;
        }
      }
      if (starP < 0) {
        return false;
      }
      pi = starP;
      si = ++starS;
    }
    while (pi < p.length && p[pi] == '*') {
      pi++;
    }
    return pi == p.length;
  }

  /** If the pattern element at {@code pi} matches byte {@code b}, the index after that element; else -1. */
  private static int matchOne(byte[] p, int pi, byte b) {
    byte c = p[pi];
    if (c == '?') {
      return pi + 1;
    }
    if (c == '\\' && pi + 1 < p.length) {
      return p[pi + 1] == b ? pi + 2 : -1;
    }
    if (c != '[') {
      return c == b ? pi + 1 : -1;
    }
    int i = pi + 1;
    boolean not = i < p.length && p[i] == '^';
    if (not) {
      i++;
    }
    boolean match = false;
    int u = b & 0xff;
    while (i < p.length && p[i] != ']') {
      if (p[i] == '\\' && i + 1 < p.length) {
        i++;
        if ((p[i] & 0xff) == u) {
          match = true;
        }
        i++;
      } else if (i + 2 < p.length && p[i + 1] == '-') {
        int start = p[i] & 0xff;
        int end = p[i + 2] & 0xff;
        if (start > end) {
          int t = start;
          start = end;
          end = t;
        }
        if (u >= start && u <= end) {
          match = true;
        }
        i += 3;
      } else {
        if ((p[i] & 0xff) == u) {
          match = true;
        }
        i++;
      }
    }
    if (not) {
      match = !match;
    }
    // An unclosed set ends the pattern (i == p.length); a closed one continues after ']'.
    return match ? Math.min(i + 1, p.length) : -1;
  }
}
