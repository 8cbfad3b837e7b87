package io.cairn.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store keeps the options it was opened with: later changes to the caller's object reach no open store. */
class OptionsTest {
  @TempDir Path dir;

  /** Every field is copied: each is set to a value no default has, and the copy must hold it. */
  @Test
  void aCopyCarriesEveryField() throws Exception {
    Options o = Options.defaults();
    StoreEnvironment env = StoreEnvironment.builder().name("options").build();
    try {
      for (Field f : Options.class.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers())) {
          continue;
        }
        f.setAccessible(true);
        f.set(o, unusual(f, f.get(o), env));
      }
      Options copy = o.copy();
      Options defaults = Options.defaults();
      for (Field f : Options.class.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers())) {
          f.setAccessible(true);
          assertEquals(f.get(o), f.get(copy), "field " + f.getName() + " is not copied");
          assertNotEquals(f.get(defaults), f.get(copy), "field " + f.getName() + " kept its default");
        }
      }
    } finally {
      env.close();
    }
  }

  /** A value of {@code f}'s type other than {@code now}. */
  private static Object unusual(Field f, Object now, StoreEnvironment env) {
    Class<?> t = f.getType();
    if (t == int.class) {
      return (Integer) now + 3;
    }
    if (t == long.class) {
      return (Long) now + 3;
    }
    if (t == boolean.class) {
      return !(Boolean) now;
    }
    if (t.isEnum()) {
      Object[] all = t.getEnumConstants();
      return all[0].equals(now) ? all[1] : all[0];
    }
    if (t == StoreEnvironment.class) {
      return env;
    }
    if (t.isInterface()) {
      return Proxy.newProxyInstance(t.getClassLoader(), new Class<?>[] {t}, (p, m, a) -> switch (m.getName()) {
        case "equals" -> p == a[0];
        case "hashCode" -> System.identityHashCode(p);
        case "toString" -> "a " + t.getSimpleName();
        default -> null;
      });
    }
    throw new AssertionError("no unusual value for field " + f.getName() + " of " + t);
  }

  /** Changing durability after open (a NONE store would have no log to close) does not reach the store. */
  @Test
  void changesAfterOpenDoNotReachTheStore() {
    Options o = Options.defaults().durability(Durability.BUFFERED);
    byte[] k = "k".getBytes(StandardCharsets.UTF_8);
    try (Store s = Store.open(dir, o)) {
      o.durability(Durability.NONE).memtableBytes(16 * 1024);
      s.put(k, k);
      assertEquals(Durability.BUFFERED, s.options().durability());
      s.options().durability(Durability.SYNC);
      assertEquals(Durability.BUFFERED, s.options().durability(), "options() hands out a copy");
      assertSame(o.fileSystem(), s.options().fileSystem());
    }
    try (Store s = Store.open(dir, Options.defaults())) {
      assertArrayEquals(k, s.get(k), "the write went to the log of a BUFFERED store");
    }
  }
}
