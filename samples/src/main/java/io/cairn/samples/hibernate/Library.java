package io.cairn.samples.hibernate;

import io.cairn.jcache.CairnCachingProvider;
import java.io.PrintStream;
import java.util.List;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.hibernate.stat.Statistics;

/**
 * Hibernate ORM with its second-level cache on Cairn: entities, a collection and a query are cached, so a second
 * read of the same data runs fewer SQL statements. H2 in memory; Hibernate's statistics show the cache hits.
 *
 * <pre>mvn -pl samples -am -q exec:java -Dexec.mainClass=io.cairn.samples.hibernate.Library</pre>
 */
public final class Library implements AutoCloseable {
  private final SessionFactory sessions;

  public Library(String databaseName) {
    org.h2.jdbcx.JdbcDataSource dataSource = new org.h2.jdbcx.JdbcDataSource();
    dataSource.setURL("jdbc:h2:mem:" + databaseName + ";DB_CLOSE_DELAY=-1");
    Configuration config = new Configuration()
        .addAnnotatedClass(Author.class)
        .addAnnotatedClass(Book.class);
    // A DataSource of the application's (here H2's), as a real application hands Hibernate its pool.
    config.getProperties().put("hibernate.connection.datasource", dataSource);
    sessions = config
        .setProperty("hibernate.hbm2ddl.auto", "create-drop")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.cache.use_query_cache", "true")
        .setProperty("hibernate.cache.region.factory_class", "jcache")
        .setProperty("hibernate.javax.cache.provider", CairnCachingProvider.class.getName())
        // Regions are created on first use with Cairn's defaults, without Hibernate's "missing cache" warning.
        .setProperty("hibernate.javax.cache.missing_cache_strategy", "create")
        .setProperty("hibernate.generate_statistics", "true")
        .buildSessionFactory();
  }

  public void stock() {
    sessions.inTransaction(s -> {
      Author ursula = new Author(1L, "Ursula K. Le Guin");
      s.persist(ursula);
      s.persist(new Book(10L, "A Wizard of Earthsea", ursula));
      s.persist(new Book(11L, "The Dispossessed", ursula));
      s.persist(new Book(12L, "The Left Hand of Darkness", ursula));
    });
  }

  /** Reads the author, her books (a collection) and the books whose title has "The" (a cached query). */
  public List<String> read() {
    return sessions.fromTransaction(s -> {
      Author a = s.find(Author.class, 1L);
      List<String> titles = new java.util.ArrayList<>();
      for (Book b : a.getBooks()) {
        titles.add(b.getTitle());
      }
      List<Book> the = s.createSelectionQuery("from Book where title like :t order by id", Book.class)
          .setParameter("t", "The%").setCacheable(true).getResultList();
      titles.add("query: " + the.size());
      return titles;
    });
  }

  public Statistics statistics() {
    return sessions.getStatistics();
  }

  @Override
  public void close() {
    sessions.close();
  }

  public static void main(String[] args) {
    run(System.out);
  }

  static void run(PrintStream out) {
    try (Library library = new Library("library")) {
      library.stock();
      Statistics st = library.statistics();
      st.clear();
      out.println("first read:  " + library.read() + " — SQL statements: " + st.getPrepareStatementCount());
      long first = st.getPrepareStatementCount();
      out.println("second read: " + library.read() + " — SQL statements: " + (st.getPrepareStatementCount() - first));
      out.println("second-level cache hits " + st.getSecondLevelCacheHitCount() + ", misses "
          + st.getSecondLevelCacheMissCount() + ", puts " + st.getSecondLevelCachePutCount()
          + "; query cache hits " + st.getQueryCacheHitCount());
    }
  }
}
