package io.cairn.benchmarks.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Values such as a cache tier holds, for the compression benchmark: a JSON document of an order (repeated field names,
 * short strings, numbers; about 250 bytes), or the same order as a Java-serialized object graph (about 480 bytes:
 * class descriptors, field names, boxed numbers), as a cache storing by value writes it. Each key's value differs.
 */
final class Values {
  private Values() {}

  static byte[] of(String kind, long i) {
    return switch (kind) {
      case "json" -> json(i);
      case "serialized" -> serialized(i);
      default -> throw new IllegalArgumentException("unknown value kind '" + kind + "' (json or serialized)");
    };
  }

  static byte[] json(long i) {
    return ("{\"id\":" + i + ",\"customer\":\"customer-" + (i % 977) + "\",\"email\":\"customer-" + (i % 977)
        + "@example.com\",\"status\":\"" + (i % 3 == 0 ? "SHIPPED" : "PENDING") + "\",\"items\":[{\"sku\":\"SKU-"
        + (i % 131) + "\",\"quantity\":" + (i % 7 + 1) + ",\"price\":" + (i % 100) + ".99},{\"sku\":\"SKU-"
        + (i % 89) + "\",\"quantity\":1,\"price\":" + (i % 40) + ".50}],\"created\":\""
        + Instant.ofEpochSecond(1_700_000_000L + i * 37) + "\",\"note\":\"deliver to the back door\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  static byte[] serialized(long i) {
    List<Item> items = new ArrayList<>();
    items.add(new Item("SKU-" + (i % 131), (int) (i % 7 + 1), (i % 100) + 0.99));
    items.add(new Item("SKU-" + (i % 89), 1, (i % 40) + 0.5));
    Order o = new Order(i, "customer-" + (i % 977), i % 3 == 0 ? "SHIPPED" : "PENDING", items,
        Instant.ofEpochSecond(1_700_000_000L + i * 37), "deliver to the back door");
    ByteArrayOutputStream b = new ByteArrayOutputStream(512);
    try (ObjectOutputStream out = new ObjectOutputStream(b)) {
      out.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  /** An order as an application caches it. */
  record Order(long id, String customer, String status, List<Item> items, Instant created, String note)
      implements Serializable {}

  /** One line of an order. */
  record Item(String sku, int quantity, double price) implements Serializable {}
}
