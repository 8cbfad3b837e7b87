package io.cairn.samples.quotes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.jcache.CairnCache;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the quote service (random port) with a three-entry heap, so quotes move to the persistent cache's disk tier,
 * and reads what Cairn reports over HTTP: /actuator/cairn, the cairn health indicator and the cairn.* meters.
 */
class QuoteOperationsTest {
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = JsonMapper.builder().build();

  private ConfigurableApplicationContext start() {
    return new SpringApplicationBuilder(QuoteApplication.class)
        .run("--server.port=0", "--cairn.directory=" + dir, "--cairn.uri=urn:cairn:quotes-operations-test",
            "--cairn.caches.quotes.heap-entries=3");
  }

  private JsonNode get(ConfigurableApplicationContext ctx, String path) throws Exception {
    String port = ctx.getEnvironment().getProperty("local.server.port");
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), "GET " + path + ": " + r.body());
    return json.readTree(r.body());
  }

  /** The one measurement of a meter through /actuator/metrics, with its tags as name:value. */
  private double meter(ConfigurableApplicationContext ctx, String name, String... tags) throws Exception {
    StringBuilder path = new StringBuilder("/actuator/metrics/" + name + "?tag=cache:quotes");
    for (String t : tags) {
      path.append("&tag=").append(t);
    }
    return get(ctx, path.toString()).get("measurements").get(0).get("value").asDouble();
  }

  @Test
  void theActuatorShowsTheTiersTheEngineTheHealthAndTheMeters() throws Exception {
    try (ConfigurableApplicationContext app = start()) {
      String[] symbols = {"ACME", "BETA", "CORP", "DELT", "ECHO", "FOXT", "GAMA", "HOLD"};
      for (String s : symbols) {
        get(app, "/quotes/" + s);
      }
      // ACME and BETA left the heap long ago: served from disk now, with no slow lookup.
      get(app, "/quotes/ACME");
      get(app, "/quotes/BETA");
      assertEquals(symbols.length, app.getBean(QuoteService.class).lookups());
      app.getBean(javax.cache.CacheManager.class).getCache("quotes").unwrap(CairnCache.class).flush();

      JsonNode quotes = get(app, "/actuator/cairn/quotes");
      JsonNode tiers = quotes.get("tiers");
      assertEquals(3, tiers.get("heap").get("entries").asLong(), quotes.toString());
      assertEquals(7, tiers.get("heap").get("evictions").asLong(), "eight quotes, then two read back, in a heap of three");
      assertEquals(0, tiers.get("heap").get("spills").asLong(), "a persistent cache writes through: nothing to spill");
      JsonNode disk = tiers.get("disk");
      assertTrue(disk.get("persistent").asBoolean());
      assertEquals(dir.resolve("quotes").toString(), disk.get("directory").asString());
      assertEquals(2, disk.get("readHits").asLong(), "ACME and BETA came back from disk");
      assertTrue(disk.get("bytes").asLong() > 0, disk.toString());
      JsonNode engine = quotes.get("engine");
      assertTrue(engine.get("flush").get("count").asLong() >= 1, engine.toString());
      assertTrue(engine.get("tables").get("files").asInt() >= 1, engine.toString());
      assertTrue(engine.get("errors").get("current").isNull(), engine.toString());
      assertTrue(get(app, "/actuator/cairn").get("managers").get("urn:cairn:quotes-operations-test").get("caches")
          .has("quotes"));

      JsonNode health = get(app, "/actuator/health").get("components").get("cairn").get("components").get("quotes");
      assertEquals("UP", health.get("status").asString(), health.toString());
      assertTrue(health.get("details").get("writable").asBoolean());
      assertEquals(dir.resolve("quotes").toString(), health.get("details").get("directory").asString());
      assertTrue(health.get("details").get("freeBytes").asLong() > 0);
      assertEquals(0, health.get("details").get("backgroundErrors").asLong());

      assertEquals(3, meter(app, "cairn.entries", "tier:heap"));
      assertEquals(7, meter(app, "cairn.evictions", "tier:heap"));
      assertEquals(2, meter(app, "cairn.reads", "tier:disk", "result:hit"));
      assertTrue(meter(app, "cairn.reads", "tier:disk", "result:miss") >= symbols.length, "each new symbol missed");
      assertTrue(meter(app, "cairn.bytes", "tier:disk") > 0);
      assertTrue(meter(app, "cairn.engine.flushes", "tier:disk") >= 1);
      assertTrue(meter(app, "cairn.engine.live.files", "tier:disk") >= 1);
      assertEquals(0, meter(app, "cairn.engine.background.errors", "tier:disk"));
    }
  }
}
