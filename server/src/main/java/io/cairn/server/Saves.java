package io.cairn.server;

import java.util.ArrayList;
import java.util.List;

/**
 * SAVE, BGSAVE and LASTSAVE over Cairn's own persistence. A persistent database already keeps every write in its disk
 * tier's log, as durable as its {@code durability} setting makes it; a save writes what the heap holds and the
 * engine's memtable to disk files ({@link io.cairn.jcache.CairnCache#flush}), so that every write acknowledged before
 * it is on disk whatever the durability. There is no snapshot file: the databases' directories are the data. SAVE
 * runs on the calling connection and does not stop other clients (Redis's SAVE blocks the server); BGSAVE runs on a
 * thread of its own, one at a time. LASTSAVE and INFO persistence report the last save that succeeded (at first, the
 * server's start, when the persistent databases were opened from disk). With no persistent database there is nothing
 * to save, and SAVE and BGSAVE say so instead of pretending.
 *
 * <p>Thread-safety: the state is guarded by this object's monitor; saves themselves run outside it.
 */
final class Saves {
  static final String NOTHING = "ERR no database is persistent ('persistent yes' in the configuration): nothing to save";
  private final CairnServer server;
  private long lastSaveSeconds;
  private boolean running;
  private boolean scheduled;
  private boolean lastOk = true;

  Saves(CairnServer server) {
    this.server = server;
    this.lastSaveSeconds = server.startedMillis / 1000;
  }

  synchronized long lastSaveSeconds() {
    return lastSaveSeconds;
  }

  synchronized boolean inProgress() {
    return running;
  }

  synchronized boolean lastOk() {
    return lastOk;
  }

  private List<Database> persistent() {
    List<Database> out = new ArrayList<>();
    for (int i = 0; i < server.keyspace.size(); i++) {
      Database db = server.keyspace.get(i);
      if (db.settings.persistent()) {
        out.add(db);
      }
    }
    return out;
  }

  /** Flushes every persistent database; records the outcome. */
  private void save(List<Database> dbs) {
    boolean ok = false;
    try {
      for (Database db : dbs) {
        db.cairn.flush();
      }
      ok = true;
    } finally {
      synchronized (this) {
        lastOk = ok;
        if (ok) {
          lastSaveSeconds = System.currentTimeMillis() / 1000;
        }
      }
    }
  }

  static void saveCommand(Session s, byte[][] a) {
    Saves saves = s.server.saves;
    List<Database> dbs = saves.persistent();
    if (dbs.isEmpty()) {
      s.error(NOTHING);
      return;
    }
    synchronized (saves) {
      if (saves.running) {
        s.error("ERR Background save already in progress");
        return;
      }
    }
    try {
      saves.save(dbs);
    } catch (RuntimeException e) {
      s.server.log("SAVE failed: " + e.getMessage());
      s.error("ERR " + e.getMessage());
      return;
    }
    Reply.ok(s.out());
  }

  static void bgsaveCommand(Session s, byte[][] a) {
    boolean schedule = false;
    if (a.length == 2 && Session.latin1(a[1]).equalsIgnoreCase("schedule")) {
      schedule = true;
    } else if (a.length > 1) {
      s.error(Errors.SYNTAX);
      return;
    }
    Saves saves = s.server.saves;
    List<Database> dbs = saves.persistent();
    if (dbs.isEmpty()) {
      s.error(NOTHING);
      return;
    }
    synchronized (saves) {
      if (saves.running) {
        if (schedule) {
          saves.scheduled = true;
          Reply.simple(s.out(), "Background saving scheduled");
        } else {
          s.error("ERR Background save already in progress");
        }
        return;
      }
      saves.running = true;
    }
    Thread t = new Thread(() -> saves.runInBackground(dbs), "cairn-bgsave");
    t.setDaemon(true);
    t.start();
    Reply.simple(s.out(), "Background saving started");
  }

  private void runInBackground(List<Database> dbs) {
    while (true) {
      try {
        save(dbs);
        server.log("Background saving terminated with success");
      } catch (RuntimeException e) {
        server.log("Background saving failed: " + e.getMessage());
      }
      synchronized (this) {
        if (!scheduled) {
          running = false;
          return;
        }
        scheduled = false;
      }
    }
  }

  static void lastsaveCommand(Session s, byte[][] a) {
    Reply.integer(s.out(), s.server.saves.lastSaveSeconds());
  }
}
