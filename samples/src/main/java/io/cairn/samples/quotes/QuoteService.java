package io.cairn.samples.quotes;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/** The slow lookup, cached in Cairn's persistent {@code quotes} cache. */
@Service
public class QuoteService {
  private final AtomicInteger lookups = new AtomicInteger();

  @Cacheable("quotes")
  public Quote quote(String symbol) {
    lookups.incrementAndGet();
    try {
      Thread.sleep(500);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    long price = Math.floorMod(symbol.hashCode() * 2654435761L, 100_000);
    return new Quote(symbol, price, Instant.now().toString());
  }

  @CacheEvict("quotes")
  public void forget(String symbol) {}

  /** How many slow lookups this process made. */
  public int lookups() {
    return lookups.get();
  }
}
