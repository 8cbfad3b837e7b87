package io.cairn.redis;

import io.cairn.jcache.CairnCachingProvider;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.hibernate.stat.Statistics;

/**
 * One application process of {@link HibernateIT}: Hibernate over a shared H2 database, its second-level cache on
 * Cairn configured the usual way, made remote by nothing but the system property {@code cairn.remote.uri}. Reads
 * commands from stdin ({@code CREATE id name}, {@code UPDATE id name}, {@code READ id}) and answers each with one
 * line: {@code OK}, or {@code VALUE <name> SQL <statements the read ran>}.
 */
public final class HibernateChild {
  private HibernateChild() {}

  public static void main(String[] args) throws Exception {
    Configuration config = new Configuration().addAnnotatedClass(Item.class)
        .setProperty("hibernate.connection.url", args[0])
        .setProperty("hibernate.connection.username", "sa")
        .setProperty("hibernate.connection.password", "")
        .setProperty("hibernate.hbm2ddl.auto", "update")
        .setProperty("hibernate.cache.use_second_level_cache", "true")
        .setProperty("hibernate.cache.region.factory_class", "jcache")
        .setProperty("hibernate.javax.cache.provider", CairnCachingProvider.class.getName())
        .setProperty("hibernate.javax.cache.missing_cache_strategy", "create")
        .setProperty("hibernate.generate_statistics", "true");
    try (SessionFactory sessions = config.buildSessionFactory()) {
      Statistics st = sessions.getStatistics();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      System.out.println("READY");
      for (String line = in.readLine(); line != null && !line.equals("QUIT"); line = in.readLine()) {
        String[] w = line.split(" ");
        long id = Long.parseLong(w[1]);
        switch (w[0]) {
          case "CREATE" -> sessions.inTransaction(s -> s.persist(new Item(id, w[2])));
          case "UPDATE" -> sessions.inTransaction(s -> s.find(Item.class, id).setName(w[2]));
          case "READ" -> {
            long before = st.getPrepareStatementCount();
            String name = sessions.fromTransaction(s -> s.find(Item.class, id).getName());
            System.out.println("VALUE " + name + " SQL " + (st.getPrepareStatementCount() - before));
            continue;
          }
          default -> throw new IllegalArgumentException("unknown command " + line);
        }
        System.out.println("OK");
      }
    }
  }
}
