package io.cairn.samples.quotes;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * A quote service. {@code GET /quotes/{symbol}} takes half a second the first time (a slow lookup) and is served from
 * the persistent Cairn cache {@code quotes} after that, across restarts. Settings: {@code application.properties}.
 *
 * <pre>mvn -pl samples spring-boot:run    then open http://localhost:8080/quotes/ACME</pre>
 */
@SpringBootApplication
@EnableCaching
public class QuoteApplication {
  public static void main(String[] args) {
    SpringApplication.run(QuoteApplication.class, args);
  }
}
