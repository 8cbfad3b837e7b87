package io.cairn.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PlainApiTest {
  @Test
  void theSampleRunsAndShowsExpiryListenerProcessorAndStatistics() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PlainApi.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("created home = 1"), out);
    assertTrue(out.contains("home visits: 2"), out);
    assertTrue(out.contains("about visits: null"), out);
    assertTrue(out.contains("after 400 ms (entries live 300 ms): null"), out);
    // put; invoke (a hit on the existing entry, and a put); get home (hit); get about (miss); get home expired (miss)
    assertTrue(out.contains("gets 4, hits 2, misses 2, puts 2"), out);
  }
}
