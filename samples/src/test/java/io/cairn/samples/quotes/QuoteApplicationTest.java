package io.cairn.samples.quotes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Runs the quote service for real (random port) and checks caching, persistence across a restart, and metrics. */
class QuoteApplicationTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private ConfigurableApplicationContext start() {
    // Command-line arguments, so they win over the sample's application.properties.
    return new SpringApplicationBuilder(QuoteApplication.class)
        .run("--server.port=0", "--cairn.directory=" + dir, "--cairn.uri=urn:cairn:quotes-test");
  }

  private String get(ConfigurableApplicationContext ctx, String path) throws Exception {
    return send(ctx, path, "GET", 200);
  }

  private String send(ConfigurableApplicationContext ctx, String path, String method, int status) throws Exception {
    String port = ctx.getEnvironment().getProperty("local.server.port");
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, r.statusCode(), method + " " + path + ": " + r.body());
    return r.body();
  }

  @Test
  void secondCallIsCachedAndTheCacheSurvivesARestart() throws Exception {
    String first;
    try (ConfigurableApplicationContext app = start()) {
      first = get(app, "/quotes/ACME");
      assertEquals(first, get(app, "/quotes/ACME"), "the second call is served from the cache");
      assertEquals(1, app.getBean(QuoteService.class).lookups(), "one slow lookup");
      String caches = get(app, "/actuator/caches");
      assertTrue(caches.contains("quotes"), caches);
      String metrics = get(app, "/actuator/metrics/cache.gets?tag=name:quotes");
      assertTrue(metrics.contains("cache.gets"), metrics);
      for (String meter : new String[] {"cache.puts", "cache.removals", "cache.evictions"}) {
        assertTrue(get(app, "/actuator/metrics/" + meter + "?tag=name:quotes").contains(meter), meter);
      }
      get(app, "/quotes/OTHER");
      send(app, "/actuator/caches/quotes", "DELETE", 204);
      get(app, "/quotes/OTHER");
      assertEquals(3, app.getBean(QuoteService.class).lookups(), "evicting through the actuator empties the cache");
      first = get(app, "/quotes/ACME");
    }
    try (ConfigurableApplicationContext app = start()) {
      assertEquals(first, get(app, "/quotes/ACME"), "after a restart the persistent cache still holds the quote");
      assertEquals(0, app.getBean(QuoteService.class).lookups(), "no slow lookup after the restart");
    }
  }
}
