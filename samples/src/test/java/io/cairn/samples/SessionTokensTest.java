package io.cairn.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTokensTest {
  @TempDir Path dir;

  @Test
  void oneSessionPerUserBothWaysAndAcrossRestart() {
    String aliceToken;
    try (SessionTokens s = new SessionTokens(dir)) {
      String first = s.login(42);
      aliceToken = s.login(42);
      assertNotEquals(first, aliceToken);
      assertNull(s.userOf(first), "logging in again ends the old session");
      assertEquals(42L, s.userOf(aliceToken));
      assertEquals(aliceToken, s.sessionOf(42));
      String bob = s.login(7);
      assertEquals(7L, s.userOf(bob));
      assertTrue(s.logout(7));
      assertNull(s.sessionOf(7));
      assertNull(s.userOf(bob));
    }
    try (SessionTokens s = new SessionTokens(dir)) {
      assertEquals(aliceToken, s.sessionOf(42), "sessions survive a restart");
      assertEquals(42L, s.userOf(aliceToken));
    }
  }

  @Test
  void theSampleTellsItsStory() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    SessionTokens.run(dir.resolve("story"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("now belongs to: null"), out);
    assertTrue(out.contains("bob logs out: true, bob's session now: null"), out);
    assertTrue(out.contains("(same token: true)"), out);
  }
}
