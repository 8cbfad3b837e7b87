package io.cairn.samples.quotes;

import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /quotes/{symbol}}, {@code DELETE /quotes/{symbol}}, {@code GET /quotes} (lookup count). */
@RestController
public class QuoteController {
  private final QuoteService service;

  public QuoteController(QuoteService service) {
    this.service = service;
  }

  @GetMapping("/quotes/{symbol}")
  public Quote quote(@PathVariable String symbol) {
    return service.quote(symbol);
  }

  @DeleteMapping("/quotes/{symbol}")
  public void forget(@PathVariable String symbol) {
    service.forget(symbol);
  }

  @GetMapping("/quotes")
  public Map<String, Integer> lookups() {
    return Map.of("slowLookupsSinceStart", service.lookups());
  }
}
