package io.cairn.engine.version;

import io.cairn.engine.CompactionStyle;
import io.cairn.engine.format.Bytes;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A change between two versions, and the manifest record that carries it.
 *
 * <h2>Record format (version 2)</h2>
 * A record is a sequence of tagged fields; each tag is a varint:
 * <pre>
 * 1 formatVersion:varint                 first record of every manifest
 * 2 logNumber:varint                     logs below this number are flushed and may be deleted
 * 3 nextFileNumber:varint
 * 4 lastSequence:varint
 * 5 level:varint fileNumber:varint       table removed
 * 6 level:varint runId:varint fileNumber:varint fileBytes:varint entries:varint tombstones:varint
 *   expiringEntries:varint maxExpireAtMillis:uint64 smallestLength:varint smallest largestLength:varint largest
 * 8 compactionStyle:varint               the style the store was created with, by {@link CompactionStyle#code()}
 * </pre>
 * Version 1 is the same with tag 7 ({@code styleLength:varint style:utf8}, the style's enum name) instead of tag 8;
 * it is still read. A manifest written now is version 2.
 */
public final class VersionEdit {
  public static final int FORMAT_VERSION = 2;
  /** The format before the compaction style was recorded by code; still read. */
  static final int FORMAT_VERSION_STYLE_BY_NAME = 1;
  private static final int TAG_FORMAT = 1;
  private static final int TAG_LOG_NUMBER = 2;
  private static final int TAG_NEXT_FILE = 3;
  private static final int TAG_LAST_SEQUENCE = 4;
  private static final int TAG_DELETED = 5;
  private static final int TAG_ADDED = 6;
  private static final int TAG_STYLE_NAME = 7;
  private static final int TAG_STYLE = 8;

  public record Added(int level, FileMeta file) {}

  public record Deleted(int level, long fileNumber) {}

  long formatVersion = -1;
  long logNumber = -1;
  long nextFileNumber = -1;
  long lastSequence = -1;
  CompactionStyle style;
  final List<Added> added = new ArrayList<>();
  final List<Deleted> deleted = new ArrayList<>();

  public VersionEdit setLogNumber(long n) {
    logNumber = n;
    return this;
  }

  public VersionEdit setLastSequence(long s) {
    lastSequence = s;
    return this;
  }

  public VersionEdit addFile(int level, FileMeta f) {
    added.add(new Added(level, f));
    return this;
  }

  public VersionEdit deleteFile(int level, long fileNumber) {
    deleted.add(new Deleted(level, fileNumber));
    return this;
  }

  /** The manifest format this record declares (the first record of every manifest does), or -1 if it has none. */
  public long formatVersion() {
    return formatVersion;
  }

  /** The log number this record sets (logs below it are flushed), or -1 if it sets none. */
  public long logNumber() {
    return logNumber;
  }

  /** The next file number this record sets, or -1 if it sets none. */
  public long nextFileNumber() {
    return nextFileNumber;
  }

  /** The last sequence number this record sets, or -1 if it sets none. */
  public long lastSequence() {
    return lastSequence;
  }

  /** The compaction style the store was created with, as the first record names it; null in other records. */
  public CompactionStyle style() {
    return style;
  }

  public List<Added> added() {
    return added;
  }

  public List<Deleted> deleted() {
    return deleted;
  }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    byte[] buf = new byte[10];
    if (formatVersion >= 0) {
      varint(out, buf, TAG_FORMAT);
      varint(out, buf, formatVersion);
    }
    if (style != null) {
      varint(out, buf, TAG_STYLE);
      varint(out, buf, style.code());
    }
    if (logNumber >= 0) {
      varint(out, buf, TAG_LOG_NUMBER);
      varint(out, buf, logNumber);
    }
    if (nextFileNumber >= 0) {
      varint(out, buf, TAG_NEXT_FILE);
      varint(out, buf, nextFileNumber);
    }
    if (lastSequence >= 0) {
      varint(out, buf, TAG_LAST_SEQUENCE);
      varint(out, buf, lastSequence);
    }
    for (Deleted d : deleted) {
      varint(out, buf, TAG_DELETED);
      varint(out, buf, d.level());
      varint(out, buf, d.fileNumber());
    }
    for (Added a : added) {
      FileMeta f = a.file();
      varint(out, buf, TAG_ADDED);
      varint(out, buf, a.level());
      varint(out, buf, f.runId());
      varint(out, buf, f.fileNumber());
      varint(out, buf, f.fileBytes());
      varint(out, buf, f.entries());
      varint(out, buf, f.tombstones());
      varint(out, buf, f.expiringEntries());
      Bytes.putLong(buf, 0, f.maxExpireAtMillis());
      out.write(buf, 0, 8);
      bytes(out, buf, f.smallest());
      bytes(out, buf, f.largest());
    }
    return out.toByteArray();
  }

  private static void varint(ByteArrayOutputStream out, byte[] buf, long v) {
    out.write(buf, 0, Bytes.putVarint(buf, 0, v));
  }

  private static void bytes(ByteArrayOutputStream out, byte[] buf, byte[] b) {
    varint(out, buf, b.length);
    out.write(b, 0, b.length);
  }

  /** Decodes a record; throws {@link IllegalArgumentException} describing the first bad field. */
  public static VersionEdit decode(byte[] rec) {
    VersionEdit e = new VersionEdit();
    int[] pos = {0};
    while (pos[0] < rec.length) {
      long tag = need(rec, pos, "tag");
      switch ((int) tag) {
        case TAG_FORMAT -> e.formatVersion = need(rec, pos, "format version");
        case TAG_LOG_NUMBER -> e.logNumber = need(rec, pos, "log number");
        case TAG_NEXT_FILE -> e.nextFileNumber = need(rec, pos, "next file number");
        case TAG_LAST_SEQUENCE -> e.lastSequence = need(rec, pos, "last sequence");
        case TAG_STYLE_NAME -> e.style = styleNamed(new String(bytes(rec, pos, "compaction style"),
            java.nio.charset.StandardCharsets.UTF_8));
        case TAG_STYLE -> {
          long code = need(rec, pos, "compaction style");
          e.style = CompactionStyle.fromCode(code);
          if (e.style == null) {
            throw new IllegalArgumentException("unknown compaction style code " + code);
          }
        }
        case TAG_DELETED -> e.deleted.add(new Deleted((int) need(rec, pos, "level"), need(rec, pos, "file number")));
        case TAG_ADDED -> {
          int level = (int) need(rec, pos, "level");
          long runId = need(rec, pos, "run id");
          long number = need(rec, pos, "file number");
          long size = need(rec, pos, "file size");
          long entries = need(rec, pos, "entries");
          long tombstones = need(rec, pos, "tombstones");
          long expiring = need(rec, pos, "expiring entries");
          if (pos[0] + 8 > rec.length) {
            throw new IllegalArgumentException("truncated max expiry at " + pos[0]);
          }
          long maxExpire = Bytes.getLong(rec, pos[0]);
          pos[0] += 8;
          byte[] smallest = bytes(rec, pos, "smallest key");
          byte[] largest = bytes(rec, pos, "largest key");
          e.added.add(new Added(level, new FileMeta(number, size, runId, entries, tombstones, expiring, maxExpire,
              smallest, largest)));
        }
        default -> throw new IllegalArgumentException("unknown tag " + tag + " at " + (pos[0] - 1));
      }
    }
    return e;
  }

  /** A version 1 manifest's compaction style, recorded by its enum name. */
  private static CompactionStyle styleNamed(String name) {
    for (CompactionStyle s : CompactionStyle.values()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown compaction style \"" + name + "\"");
  }

  private static long need(byte[] rec, int[] pos, String what) {
    int at = pos[0];
    long v = Bytes.getVarint(rec, pos, rec.length);
    if (v < 0) {
      throw new IllegalArgumentException("bad " + what + " at record offset " + at);
    }
    return v;
  }

  private static byte[] bytes(byte[] rec, int[] pos, String what) {
    long len = need(rec, pos, what + " length");
    if (pos[0] + len > rec.length) {
      throw new IllegalArgumentException(what + " of " + len + " bytes runs past the record at " + pos[0]);
    }
    byte[] b = java.util.Arrays.copyOfRange(rec, pos[0], pos[0] + (int) len);
    pos[0] += (int) len;
    return b;
  }
}
