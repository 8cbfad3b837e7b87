package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/**
 * The tagged codec of {@code Object}-typed caches: its type bytes are on-disk format, so they are pinned here, one per
 * type, and each type round-trips through them.
 */
class TaggedCodecTest {
  @SuppressWarnings("unchecked")
  private final Codec<Object> tagged =
      (Codec<Object>) (Codec<?>) Codecs.forType(Object.class, getClass().getClassLoader(), null);

  @Test
  void everyTypeKeepsItsCode() {
    List<Object[]> pinned = List.of(new Object[] {"s", 0x01}, new Object[] {7, 0x02}, new Object[] {7L, 0x03},
        new Object[] {new byte[] {1, 2}, 0x04}, new Object[] {new UUID(1, 2), 0x05}, new Object[] {1.5d, 0x06},
        new Object[] {(short) 3, 0x07}, new Object[] {true, 0x08}, new Object[] {2.5f, 0x09},
        new Object[] {'c', 0x0a}, new Object[] {(byte) 9, 0x0b}, new Object[] {new java.util.ArrayList<>(), 0x7f});
    for (Object[] p : pinned) {
      byte[] b = tagged.encode(p[0]);
      assertEquals((byte) (int) (Integer) p[1], b[0], "the type byte of " + p[0].getClass().getName());
      Object back = tagged.decode(b);
      if (p[0] instanceof byte[] bytes) {
        assertArrayEquals(bytes, (byte[]) back);
      } else {
        assertEquals(p[0], back, p[0].getClass().getName() + " round-trips");
      }
    }
  }

  @Test
  void aStringIsItsCodeThenItsUtf8() {
    assertArrayEquals(new byte[] {0x01, 'h', 'i'}, tagged.encode("hi"), "the bytes a persistent cache holds for \"hi\"");
  }

  @Test
  void anUnknownCodeIsRefusedNamingIt() {
    CacheException e = assertThrows(CacheException.class, () -> tagged.decode(new byte[] {0x30, 1}));
    assertTrue(e.getMessage().contains("unknown type tag 48"), e.getMessage());
    assertThrows(CacheException.class, () -> tagged.decode(new byte[0]));
  }
}
