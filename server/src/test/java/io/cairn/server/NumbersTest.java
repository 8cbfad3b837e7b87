package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Numbers parsed and printed as Redis does (string2ll, string2ld, INCRBYFLOAT's long double output). */
class NumbersTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String incr(String value, String by) {
    BigDecimal sum = Numbers.toLongDouble(Numbers.toLongDouble(Numbers.parseDecimal(b(value)))
        .add(Numbers.toLongDouble(Numbers.parseDecimal(b(by)))));
    return Numbers.formatDecimal(sum);
  }

  @Test
  void integersAsString2ll() {
    assertEquals(Long.MIN_VALUE, Numbers.parseLong(b("-9223372036854775808")));
    assertEquals(Long.MAX_VALUE, Numbers.parseLong(b("9223372036854775807")));
    for (String bad : new String[] {"9223372036854775808", "+1", "01", "-0", " 1", "1 ", "", "-", "1.0"}) {
      assertThrows(Numbers.NotANumber.class, () -> Numbers.parseLong(b(bad)), bad);
    }
  }

  @Test
  void floatsRoundAsLongDoubles() {
    assertEquals("1000.09999999999999998", incr("1000", "0.1"));
    assertEquals("10.6", incr("10.5", "0.1"));
    assertEquals("0.3", incr("0.1", "0.2"));
    assertEquals("5000", incr("5.0e3", "0"));
    assertEquals("8.5", incr("0x1p3", "0.5"));
    assertEquals("0", incr("-0.5", "0.5"));
  }

  @Test
  void floatsOutsideALongDoubleAreRefused() {
    assertNull(Numbers.parseDecimal(b("inf")));
    assertNull(Numbers.parseDecimal(b("-Infinity")));
    for (String bad : new String[] {"1e31010", "1e-5000", "nan", " 1", "1 ", "1e", "abc", ""}) {
      assertThrows(Numbers.NotANumber.class, () -> Numbers.parseDecimal(b(bad)), bad);
    }
  }
}
