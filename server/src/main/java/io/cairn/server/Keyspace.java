package io.cairn.server;

import io.cairn.jcache.CairnCachingProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.cache.CacheManager;
import javax.cache.Caching;

/**
 * The numbered databases, each a {@link Database} (a Cairn cache) of its own manager-owned directory
 * {@code dir/db<N>}. SWAPDB exchanges two slots; the file {@code dir/slots} (one cache name per line, replaced by
 * write-temp + rename) records which cache serves which number, so a swap of persistent databases outlives a restart.
 *
 * <p>An embedded server's keyspace is an application's caches instead ({@link #Keyspace(List)}): their names and
 * storage are the application's, so there is no directory, no slots file and no SWAPDB.
 *
 * <p>Thread-safety: slots are read without locks; {@link #swap} runs under every stripe of {@link KeyLocks} held
 * exclusively, so no command is between reading a slot and using it when two slots change.
 */
final class Keyspace {
  /** The manager of the server's own caches; null for an application's caches. */
  private final CacheManager manager;
  private final AtomicReferenceArray<Database> slots;
  private final Path dir;

  Keyspace(ServerConfig config) {
    this.dir = config.dir;
    this.manager = Caching.getCachingProvider(CairnCachingProvider.class.getName())
        .getCacheManager(java.net.URI.create("urn:cairn:server:" + dir.toAbsolutePath().toUri()),
            Keyspace.class.getClassLoader());
    int n = config.databases;
    this.slots = new AtomicReferenceArray<>(n);
    List<String> names = readSlots(n);
    List<Database> opened = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        String name = names.get(i);
        int number = Integer.parseInt(name.substring(2));
        Database db = new Database(manager, name, dir.resolve(name), config.settingsOf(number));
        opened.add(db);
        slots.set(i, db);
      }
    } catch (RuntimeException e) {
      opened.forEach(Database::close);
      manager.close();
      throw e;
    }
  }

  /** An application's caches as databases 0, 1, ... in the order given. */
  Keyspace(List<Database> databases) {
    this.dir = null;
    this.manager = null;
    this.slots = new AtomicReferenceArray<>(databases.toArray(new Database[0]));
  }

  /** False for an application's caches: which cache a number names is the application's choice. */
  boolean swappable() {
    return manager != null;
  }

  /** The cache name per slot: from {@code dir/slots} when a swap wrote one, else db0, db1, ... */
  private List<String> readSlots(int n) {
    List<String> names = new ArrayList<>();
    Path f = dir.resolve("slots");
    if (Files.exists(f)) {
      try {
        for (String line : Files.readAllLines(f, StandardCharsets.US_ASCII)) {
          if (!line.isBlank()) {
            names.add(line.strip());
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + f + ": " + e.getMessage(), e);
      }
      boolean valid = names.size() == n && names.stream().distinct().count() == n
          && names.stream().allMatch(s -> s.matches("db[0-9]+") && Integer.parseInt(s.substring(2)) < n);
      if (!valid) {
        throw new IllegalStateException(f + " does not list databases db0 to db" + (n - 1) + " once each (was "
            + names + "); it belongs to a server with another 'databases' setting");
      }
      return names;
    }
    for (int i = 0; i < n; i++) {
      names.add("db" + i);
    }
    return names;
  }

  int size() {
    return slots.length();
  }

  Database get(int index) {
    return slots.get(index);
  }

  /** The number {@code db} is served under now (SWAPDB moves databases), or -1 if it is not one of these. */
  int numberOf(Database db) {
    for (int i = 0; i < slots.length(); i++) {
      if (slots.get(i) == db) {
        return i;
      }
    }
    return -1;
  }

  /** Exchanges two slots; the caller holds every stripe exclusively. */
  void swap(int a, int b) {
    Database x = slots.get(a);
    slots.set(a, slots.get(b));
    slots.set(b, x);
    boolean persistent = false;
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < slots.length(); i++) {
      sb.append(slots.get(i).name).append('\n');
      persistent |= slots.get(i).settings.persistent();
    }
    if (!persistent) {
      return;
    }
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve("slots.tmp");
      Files.writeString(tmp, sb, StandardCharsets.US_ASCII);
      Files.move(tmp, dir.resolve("slots"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IllegalStateException("cannot record the swapped databases in " + dir.resolve("slots") + ": "
          + e.getMessage(), e);
    }
  }

  /** Flushes persistent databases and closes every cache. */
  void close() {
    for (int i = 0; i < slots.length(); i++) {
      Database db = slots.get(i);
      if (db != null) {
        db.close();
      }
    }
    if (manager != null) {
      manager.close();
    }
  }
}
