package io.cairn.jcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.CorruptionException;
import io.cairn.engine.EventListener;
import io.cairn.engine.StoreError;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The disk tier's engine listener: the level each event is logged at (System.Logger over java.util.logging here:
 * DEBUG is FINE, INFO is INFO, WARNING is WARNING, ERROR is SEVERE), the cache named in each line, and the counts.
 */
class DiskTierEventsTest {
  private static final Path DIR = Path.of("/data/cache");
  private final Logger jul = Logger.getLogger(DiskTier.class.getName());
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      records.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Level oldLevel;

  @BeforeEach
  void listen() {
    oldLevel = jul.getLevel();
    jul.setLevel(Level.ALL);
    jul.addHandler(capture);
  }

  @AfterEach
  void stop() {
    jul.removeHandler(capture);
    jul.setLevel(oldLevel);
  }

  private LogRecord last() {
    assertTrue(!records.isEmpty(), "nothing logged");
    LogRecord r = records.get(records.size() - 1);
    assertTrue(r.getMessage().contains("cache orders"), "names the cache: " + r.getMessage());
    return r;
  }

  @Test
  void eachEventIsLoggedAtItsLevelAndCounted() {
    DiskTierEvents e = new DiskTierEvents("orders");
    EventListener.TableInfo table = new EventListener.TableInfo(7, 0, 4096, 100);

    e.onFlushBegin(new EventListener.FlushInfo(DIR, 1, 65536, List.of(), Duration.ZERO, null));
    assertEquals(Level.FINE, last().getLevel());
    e.onFlushEnd(new EventListener.FlushInfo(DIR, 1, 65536, List.of(table), Duration.ofMillis(3), null));
    assertEquals(Level.FINE, last().getLevel());
    e.onFlushEnd(new EventListener.FlushInfo(DIR, 2, 65536, List.of(), Duration.ofMillis(3),
        new IOException("No space left on device")));
    assertEquals(Level.WARNING, last().getLevel(), "a failed flush");

    e.onCompactionEnd(new EventListener.CompactionInfo(DIR, 3, "level 0 has 4 runs", false, List.of(table), 1,
        List.of(table), Duration.ofMillis(9), null));
    assertEquals(Level.FINE, last().getLevel());
    assertTrue(last().getMessage().contains("level 0 has 4 runs"), "says why: " + last().getMessage());

    e.onWriteStallBegin(new EventListener.WriteStallInfo(DIR, "memtables waiting for flush", Duration.ZERO));
    assertEquals(Level.INFO, last().getLevel());
    e.onWriteStallEnd(new EventListener.WriteStallInfo(DIR, "memtables waiting for flush", Duration.ofMillis(20)));
    assertEquals(Level.INFO, last().getLevel(), "a short stall");
    e.onWriteStallEnd(new EventListener.WriteStallInfo(DIR, "memtables waiting for flush", Duration.ofSeconds(2)));
    assertEquals(Level.WARNING, last().getLevel(), "a stall of two seconds");

    StoreError soft = StoreError.classify(DIR, StoreError.Operation.COMPACTION,
        new IOException("No space left on device"));
    e.onBackgroundError(soft);
    assertEquals(Level.WARNING, last().getLevel(), "writes go on through a compaction short of space");
    StoreError hard = StoreError.classify(DIR, StoreError.Operation.WAL_WRITE, new IOException("disk gone"));
    e.onBackgroundError(hard);
    assertEquals(Level.SEVERE, last().getLevel(), "writes refused");

    CorruptionException damage = new CorruptionException(DIR.resolve("000007.sst"), 512, "block checksum mismatch");
    e.onCorruption(new EventListener.CorruptionInfo(DIR, damage.file(), 512, StoreError.Operation.READ, damage));
    assertEquals(Level.SEVERE, last().getLevel());
    assertTrue(last().getMessage().contains("000007.sst") && last().getMessage().contains("512"),
        "names the file and offset: " + last().getMessage());

    e.onErrorCleared(new EventListener.ErrorClearedInfo(DIR, hard, 2, Duration.ofSeconds(1)));
    assertEquals(Level.INFO, last().getLevel());

    e.onTableDropped(new EventListener.TableDroppedInfo(DIR, table, EventListener.DropReason.BUDGET));
    assertEquals(Level.FINE, last().getLevel());
    e.onTableDropped(new EventListener.TableDroppedInfo(DIR, table, EventListener.DropReason.NO_SPACE));
    assertEquals(Level.WARNING, last().getLevel(), "dropped because the disk was full");

    TierStatistics.Events n = e.snapshot();
    assertEquals(new TierStatistics.Events(1, 1, 2, 1, 2_020_000, 2, 1, 1), n);
  }
}
