package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** SAVE, BGSAVE, LASTSAVE and ROLE where no database is persistent; PersistenceCrashIT kills a server after a SAVE. */
class SavesTest {
  @Test
  void withoutAPersistentDatabaseThereIsNothingToSave() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client()) {
      long started = System.currentTimeMillis() / 1000;
      long last = Long.parseLong(c.call("LASTSAVE").substring(1));
      assertTrue(last <= started && last > started - 60, "LASTSAVE is the server's start: " + last);
      assertEquals("-" + Saves.NOTHING, c.call("SAVE"));
      assertEquals("-" + Saves.NOTHING, c.call("BGSAVE"));
      assertEquals("-ERR syntax error", c.call("BGSAVE", "NOW"));
      assertEquals("*[$master,:0,*[]]", c.call("ROLE"), "a master without replicas");
    }
  }

  @Test
  void aPersistentDatabaseSaves() throws Exception {
    try (TestServer s = TestServer.start("--db.1.persistent", "yes"); RespClient c = s.client()) {
      c.call("SELECT", "1");
      c.call("SET", "k", "v");
      assertEquals("+OK", c.call("SAVE"));
      assertEquals("+Background saving started", c.call("BGSAVE"));
      String info = "";
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!info.contains("rdb_bgsave_in_progress:0") && System.nanoTime() < deadline) {
        info = c.call("INFO", "persistence");
      }
      assertTrue(info.contains("rdb_bgsave_in_progress:0") && info.contains("rdb_last_bgsave_status:ok"), info);
      assertEquals("$v", c.call("GET", "k"));
    }
  }
}
