package io.cairn.cli;

import io.cairn.engine.Entry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cairn cache DIR}: a provider cache's disk directory in the cache's terms (see {@link DiskTierLayout}): its
 * name and codecs from the META record, its entries, expiry and inverse index records, a histogram of the time its
 * entries have left, and the first entries decoded where the codec is built in ({@link BuiltInCodecs}).
 */
@Command(name = "cache", description = "Show a provider cache's disk directory: cache name, codecs, entry count,"
    + " expiry histogram, and the first entries with keys and values decoded where the codec is built in.")
final class CacheCommand implements Callable<Integer> {
  /** Upper bounds of the histogram's buckets of time left, and their labels. */
  private static final long[] BUCKET_MILLIS = {60_000L, 3_600_000L, 86_400_000L, 7 * 86_400_000L,
      30 * 86_400_000L, Long.MAX_VALUE};
  private static final String[] BUCKET_LABELS = {"< 1 minute", "< 1 hour", "< 1 day", "< 7 days", "< 30 days",
      "later"};

  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "the cache's disk directory")
  private Path dir;

  @Option(names = "--limit", defaultValue = "20", paramLabel = "N",
      description = "show the first N entries (default: ${DEFAULT-VALUE}; 0 shows none)")
  private long limit;

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new CliException("--limit must be 0 or more, was " + limit);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long now = System.currentTimeMillis();
    try (StoreContents contents = new StoreContents(StoreFiles.lock(dir, 8L << 20))) {
      contents.notes().forEach(n -> err.println("note: " + n));
      StoreContents.Item metaItem = contents.get(DiskTierLayout.META_KEY, true, now);
      DiskTierLayout.Meta meta = metaItem == null ? null : DiskTierLayout.meta(metaItem.value());
      String keyCodec = meta == null ? "unknown" : meta.keyCodec();
      String valueCodec = meta == null ? "unknown" : meta.valueCodec();

      long[] live = {0};
      long[] expired = {0};
      long[] eternal = {0};
      long[] buckets = new long[BUCKET_MILLIS.length];
      long[] index = {0};
      long[] inverse = {0};
      long[] other = {0};
      List<StoreContents.Item> shown = new ArrayList<>();
      contents.scan(null, null, true, now, item -> {
        byte[] k = item.key();
        if (k.length == 0 || Arrays.equals(k, DiskTierLayout.META_KEY)) {
          if (k.length == 0) {
            other[0]++;
          }
          return true;
        }
        switch (k[0]) {
          case DiskTierLayout.DATA -> {
            if (item.expiredAt(now)) {
              expired[0]++;
              return true;
            }
            live[0]++;
            if (item.expireAtMillis() == Entry.NO_EXPIRY) {
              eternal[0]++;
            } else {
              long left = item.expireAtMillis() - now;
              int b = 0;
              while (left >= BUCKET_MILLIS[b]) {
                b++;
              }
              buckets[b]++;
            }
            if (shown.size() < limit) {
              shown.add(item);
            }
          }
          case DiskTierLayout.INDEX -> index[0]++;
          case DiskTierLayout.INVERSE -> inverse[0]++;
          default -> other[0]++;
        }
        return true;
      });
      if (meta == null && other[0] > 0) {
        throw new CliException(dir + " is not a cache's disk directory: it has no META record and "
            + other[0] + " keys outside the disk tier's key space (cairn dump shows them)");
      }

      out.println("cache          " + (meta == null ? "unknown (no META record: layout version 1, written before"
          + " Cairn recorded it)" : meta.cacheName()));
      out.println("directory      " + dir);
      out.println("layout         version " + (meta == null ? 1 : meta.layoutVersion()));
      String undecoded = meta == null ? " (no META record: shown as escaped bytes)"
          : " (not built in: shown as escaped bytes)";
      out.println("key codec      " + keyCodec + (BuiltInCodecs.known(keyCodec) ? "" : undecoded));
      out.println("value codec    " + valueCodec + (BuiltInCodecs.known(valueCodec) ? "" : undecoded));
      out.println("entries        " + Formats.bytes(live[0]) + " live" + (expired[0] == 0 ? ""
          : ", " + Formats.bytes(expired[0]) + " expired (not yet purged)"));
      out.println("expiry index   " + Formats.bytes(index[0]) + " records");
      if (inverse[0] > 0) {
        out.println("inverse index  " + Formats.bytes(inverse[0]) + " records (a bidirectional cache)");
      }
      if (other[0] > 0) {
        out.println("other keys     " + Formats.bytes(other[0]) + " (not in the disk tier's key space)");
      }
      out.println();
      out.println("time left on live entries");
      out.printf("  %-12s %12s%n", "no expiry", Formats.bytes(eternal[0]));
      for (int i = 0; i < BUCKET_LABELS.length; i++) {
        out.printf("  %-12s %12s%n", BUCKET_LABELS[i], Formats.bytes(buckets[i]));
      }
      if (!shown.isEmpty()) {
        out.println();
        out.println("entries (the first " + shown.size() + " in key order" + (live[0] > shown.size()
            ? "; --limit N shows more" : "") + ")");
      }
      for (StoreContents.Item item : shown) {
        byte[] key = Arrays.copyOfRange(item.key(), 1, item.key().length);
        String line = "  " + decode(keyCodec, key) + " => " + decode(valueCodec, item.value());
        out.println(item.expireAtMillis() == Entry.NO_EXPIRY ? line
            : line + "  (expires " + Instant.ofEpochMilli(item.expireAtMillis()) + ")");
      }
      return Main.OK;
    }
  }

  private static String decode(String codec, byte[] b) {
    return BuiltInCodecs.known(codec) ? BuiltInCodecs.show(codec, b) : Formats.escaped(b);
  }
}
