package io.cairn.samples.hibernate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.hibernate.stat.Statistics;
import org.junit.jupiter.api.Test;

class LibraryTest {
  @Test
  void secondReadComesFromTheSecondLevelCache() {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
        .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
        new ch.qos.logback.core.read.ListAppender<>();
    log.start();
    root.addAppender(log);
    try (Library library = new Library("test-" + System.nanoTime())) {
      library.stock();
      Statistics st = library.statistics();
      st.clear();
      List<String> first = library.read();
      long firstStatements = st.getPrepareStatementCount();
      long hitsAfterFirst = st.getSecondLevelCacheHitCount();
      List<String> second = library.read();
      long secondStatements = st.getPrepareStatementCount() - firstStatements;
      assertEquals(first, second);
      assertEquals(List.of("A Wizard of Earthsea", "The Dispossessed", "The Left Hand of Darkness", "query: 2"),
          second);
      assertTrue(firstStatements > 0, "the first read goes to the database");
      assertEquals(0, secondStatements, "the second read runs no SQL: entity, collection and query are cached");
      assertTrue(st.getSecondLevelCacheHitCount() > hitsAfterFirst, "entity and collection hits in the second read");
      assertTrue(st.getQueryCacheHitCount() >= 1, "query cache hit");
      assertTrue(st.getSecondLevelCachePutCount() > 0);
    } finally {
      root.detachAppender(log);
    }
    List<String> warnings = log.list.stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
        .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
    assertEquals(List.of(), warnings, "Hibernate on Cairn logs no warnings (missing caches are created quietly)");
  }
}
