package io.cairn.server;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/** Numbers in arguments and values, parsed and printed exactly as Redis does. */
final class Numbers {
  private Numbers() {}

  /** An argument or value that is not a number in the form required; thrown without a stack trace. */
  static final class NotANumber extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final NotANumber INSTANCE = new NotANumber();

    private NotANumber() {
      super("not a number", null, false, false);
    }
  }

  /** Redis's string2ll: optional '-', digits without leading zeros or spaces, within a signed 64-bit range. */
  static long parseLong(byte[] b) {
    int len = b.length;
    if (len == 0 || len > 20) {
      throw NotANumber.INSTANCE;
    }
    if (len == 1 && b[0] == '0') {
      return 0;
    }
    int i = 0;
    boolean neg = false;
    if (b[0] == '-') {
      neg = true;
      i = 1;
      if (len == 1) {
        throw NotANumber.INSTANCE;
      }
    }
    if (b[i] < '1' || b[i] > '9') {
      throw NotANumber.INSTANCE;
    }
    long v = 0;
    for (; i < len; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw NotANumber.INSTANCE;
      }
      // Accumulate negatively so that Long.MIN_VALUE itself parses.
      if (v < (Long.MIN_VALUE + d) / 10) {
        throw NotANumber.INSTANCE;
      }
      v = v * 10 - d;
    }
    if (!neg) {
      if (v == Long.MIN_VALUE) {
        throw NotANumber.INSTANCE;
      }
      return -v;
    }
    return v;
  }

  static byte[] toBytes(long v) {
    return Long.toString(v).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * A float as Redis's string2ld accepts it: no leading or trailing space; decimal, exponent or hexadecimal form, or
   * inf; never nan, nor a number past a long double's range. Returns null for the infinities (which Redis accepts,
   * though no increment makes them finite).
   */
  static BigDecimal parseDecimal(byte[] b) {
    if (b.length == 0 || b.length > 5 * 1024) {
      throw NotANumber.INSTANCE;
    }
    String s = new String(b, StandardCharsets.ISO_8859_1);
    String lower = s.toLowerCase(java.util.Locale.ROOT);
    String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
    if (unsigned.equals("inf") || unsigned.equals("infinity")) {
      return null;
    }
    if (s.matches("[+-]?0[xX]([0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)([pP][+-]?[0-9]+)?")) {
      // A hexadecimal float, which strtold reads too (its binary exponent is optional there).
      double h = Double.parseDouble(s.matches(".*[pP].*") ? s : s + "p0");
      if (Double.isInfinite(h)) {
        throw NotANumber.INSTANCE;
      }
      return new BigDecimal(h);
    }
    if (!s.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
      throw NotANumber.INSTANCE;
    }
    BigDecimal d;
    try {
      d = new BigDecimal(s.startsWith("+") ? s.substring(1) : s);
    } catch (NumberFormatException | ArithmeticException e) {
      throw NotANumber.INSTANCE;
    }
    // strtold overflows past a long double's largest value (about 1.19e4932) and underflows to zero below its
    // smallest subnormal (about 3.6e-4951); Redis refuses both as not a valid float.
    if (d.signum() != 0 && (d.abs().compareTo(LONG_DOUBLE_MAX) > 0 || d.abs().compareTo(LONG_DOUBLE_MIN) < 0)) {
      throw NotANumber.INSTANCE;
    }
    return d;
  }

  private static final BigDecimal LONG_DOUBLE_MAX = new BigDecimal("1.18973149535723176502e4932");
  private static final BigDecimal LONG_DOUBLE_MIN = new BigDecimal("3.64519953188247460253e-4951");
  private static final java.math.BigInteger TWO_63 = java.math.BigInteger.ONE.shiftLeft(63);
  private static final java.math.BigInteger TWO_64 = java.math.BigInteger.ONE.shiftLeft(64);

  /**
   * The x87 long double (64-bit significand, round half to even) nearest {@code x}, exactly: Redis parses, adds and
   * prints INCRBYFLOAT's numbers as long doubles, and its replies show their rounding (1000 + 0.1 is
   * 1000.09999999999999998), so Cairn rounds where Redis does.
   */
  static BigDecimal toLongDouble(BigDecimal x) {
    if (x.signum() == 0) {
      return BigDecimal.ZERO;
    }
    BigDecimal a = x.abs();
    double log2 = (a.unscaledValue().bitLength() - 1) - a.scale() * 3.321928094887362;
    int e = (int) Math.floor(log2) - 63;
    while (true) {
      BigDecimal scaled = e >= 0 ? a.divide(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(e)))
          : a.multiply(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(-e)));
      if (scaled.compareTo(new BigDecimal(TWO_63)) < 0) {
        e--;
        continue;
      }
      if (scaled.compareTo(new BigDecimal(TWO_64)) >= 0) {
        e++;
        continue;
      }
      java.math.BigInteger m = scaled.setScale(0, RoundingMode.HALF_EVEN).toBigInteger();
      BigDecimal v = new BigDecimal(m);
      v = e >= 0 ? v.multiply(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(e)))
          : v.divide(new BigDecimal(java.math.BigInteger.ONE.shiftLeft(-e)));
      return x.signum() < 0 ? v.negate() : v;
    }
  }

  /** A float as INCRBYFLOAT prints it: at most 17 decimals, trailing zeros and a trailing point removed. */
  static String formatDecimal(BigDecimal v) {
    BigDecimal r = v.setScale(17, RoundingMode.HALF_EVEN).stripTrailingZeros();
    String s = r.scale() < 0 ? r.setScale(0).toPlainString() : r.toPlainString();
    return s.equals("-0") ? "0" : s;
  }
}
