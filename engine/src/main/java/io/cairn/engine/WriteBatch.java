package io.cairn.engine;

import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.memtable.MemTable;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Puts and deletes applied atomically: after a crash either all of a batch is there or none of it.
 *
 * <h2>Format (version 1), also the WAL record</h2>
 * <pre>
 * batch := sequence:uint64 count:uint32 op*
 * op    := type:uint8 keyLength:varint key [valueLength:varint storedValue]   (no value part for a deletion)
 * </pre>
 * {@code sequence} is the number of the first op; op i gets {@code sequence + i}. An expiring value's stored form is
 * its 8-byte big-endian expiry time followed by the value.
 *
 * <p>Not thread-safe; build a batch on one thread, then hand it to {@link Store#write}.
 */
public final class WriteBatch {
  static final int HEADER_BYTES = 12;
  public static final int MAX_KEY_BYTES = 64 * 1024;
  public static final int MAX_VALUE_BYTES = 64 << 20;

  private final ByteArrayOutputStream rep = new ByteArrayOutputStream(64);
  private final byte[] scratch = new byte[10];
  private int count;
  private long userBytes;

  public WriteBatch() {
    rep.write(new byte[HEADER_BYTES], 0, HEADER_BYTES);
  }

  public WriteBatch put(byte[] key, byte[] value) {
    checkKey(key);
    checkValue(key, value, 0);
    add(InternalKey.TYPE_VALUE, key, value, 0, false);
    return this;
  }

  /** Puts a value that reads as absent once {@code expireAtMillis} (epoch milliseconds) has passed. */
  public WriteBatch put(byte[] key, byte[] value, long expireAtMillis) {
    checkKey(key);
    checkValue(key, value, 8);
    add(InternalKey.TYPE_EXPIRING_VALUE, key, value, expireAtMillis, true);
    return this;
  }

  /** Puts {@code e}'s key and value with its expiry, if it has one ({@link Entry#hasExpiry}). */
  public WriteBatch put(Entry e) {
    if (e == null) {
      throw new NullPointerException("entry is null");
    }
    return e.hasExpiry() ? put(e.key(), e.value(), e.expireAtMillis()) : put(e.key(), e.value());
  }

  public WriteBatch delete(byte[] key) {
    checkKey(key);
    addStored(InternalKey.TYPE_DELETION, key, null);
    userBytes += key.length;
    return this;
  }

  /** Writes an op's type and key; its value part, if any, follows. */
  private void writeTypeAndKey(byte type, byte[] key) {
    rep.write(type);
    rep.write(scratch, 0, Bytes.putVarint(scratch, 0, key.length));
    rep.write(key, 0, key.length);
  }

  private void add(byte type, byte[] key, byte[] value, long expireAt, boolean expiring) {
    writeTypeAndKey(type, key);
    rep.write(scratch, 0, Bytes.putVarint(scratch, 0, value.length + (expiring ? 8 : 0)));
    if (expiring) {
      Bytes.putLong(scratch, 0, expireAt);
      rep.write(scratch, 0, 8);
    }
    rep.write(value, 0, value.length);
    count++;
    userBytes += key.length + value.length;
  }

  static void checkKey(byte[] key) {
    if (key == null) {
      throw new NullPointerException("key is null");
    }
    if (key.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException("key of " + key.length + " bytes is longer than the limit of "
          + MAX_KEY_BYTES + " bytes: " + Bytes.toDisplay(key));
    }
  }

  private static void checkValue(byte[] key, byte[] value, int extra) {
    if (value == null) {
      throw new NullPointerException("value for key " + Bytes.toDisplay(key) + " is null");
    }
    if (value.length + extra > MAX_VALUE_BYTES) {
      throw new IllegalArgumentException("value of " + value.length + " bytes for key " + Bytes.toDisplay(key)
          + " is longer than the limit of " + MAX_VALUE_BYTES + " bytes");
    }
  }

  public int count() {
    return count;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  long userBytes() {
    return userBytes;
  }

  /** The size of the encoded batch so far. */
  int encodedBytes() {
    return rep.size();
  }

  /** The encoded batch with its sequence number stamped in. */
  byte[] encode(long sequence) {
    byte[] b = rep.toByteArray();
    Bytes.putLong(b, 0, sequence);
    Bytes.putInt(b, 8, count);
    return b;
  }

  /** Receives the ops of an encoded batch, in order. */
  @FunctionalInterface
  public interface OpSink {
    /** One op; {@code storedValue} is empty for a deletion and starts with the expiry for an expiring value. */
    void op(long sequence, byte type, byte[] key, byte[] storedValue);
  }

  /**
   * Inserts an encoded batch into a memtable; returns the last sequence number used. Throws
   * {@link IllegalArgumentException} when the bytes are not a well-formed batch.
   */
  static long applyTo(byte[] rep, MemTable mem) {
    return forEachOp(rep, mem::add);
  }

  /**
   * The encoded batch {@code rep} without the ops whose key {@code drop} accepts, or null if no op is left. The
   * sequence number is not carried over (the commit stamps it).
   */
  static byte[] without(byte[] rep, java.util.function.Predicate<byte[]> drop) {
    WriteBatch out = new WriteBatch();
    forEachOp(rep, (seq, type, key, stored) -> {
      if (!drop.test(key)) {
        out.addStored(type, key, stored);
      }
    });
    return out.isEmpty() ? null : out.encode(0);
  }

  /** Appends an op as {@link #forEachOp} hands it out ({@code stored} is ignored for a deletion). */
  private void addStored(byte type, byte[] key, byte[] stored) {
    writeTypeAndKey(type, key);
    if (type != InternalKey.TYPE_DELETION) {
      rep.write(scratch, 0, Bytes.putVarint(scratch, 0, stored.length));
      rep.write(stored, 0, stored.length);
    }
    count++;
  }

  /**
   * Hands each op of an encoded batch (a write-ahead log record) to {@code sink}; returns the last sequence number
   * used. Reads only: tools that inspect a log without opening the store use it too. Throws
   * {@link IllegalArgumentException} when the bytes are not a well-formed batch.
   */
  public static long forEachOp(byte[] rep, OpSink sink) {
    if (rep.length < HEADER_BYTES) {
      throw new IllegalArgumentException("batch of " + rep.length + " bytes is shorter than its header");
    }
    long seq = Bytes.getLong(rep, 0);
    int n = Bytes.getInt(rep, 8);
    int[] pos = {HEADER_BYTES};
    for (int i = 0; i < n; i++) {
      if (pos[0] >= rep.length) {
        throw new IllegalArgumentException("batch ends after " + i + " of " + n + " ops");
      }
      byte type = rep[pos[0]++];
      byte[] key = slice(rep, pos, "key");
      if (type == InternalKey.TYPE_DELETION) {
        sink.op(seq + i, type, key, new byte[0]);
      } else if (type == InternalKey.TYPE_VALUE || type == InternalKey.TYPE_EXPIRING_VALUE) {
        byte[] value = slice(rep, pos, "value");
        if (type == InternalKey.TYPE_EXPIRING_VALUE && value.length < 8) {
          throw new IllegalArgumentException("expiring value shorter than its expiry at op " + i);
        }
        sink.op(seq + i, type, key, value);
      } else {
        throw new IllegalArgumentException("unknown op type " + type + " at op " + i);
      }
    }
    if (pos[0] != rep.length) {
      throw new IllegalArgumentException("batch has " + (rep.length - pos[0]) + " bytes after its " + n + " ops");
    }
    return seq + n - 1;
  }

  private static byte[] slice(byte[] rep, int[] pos, String what) {
    long len = Bytes.getVarint(rep, pos, rep.length);
    if (len < 0 || pos[0] + len > rep.length) {
      throw new IllegalArgumentException("bad " + what + " length at batch offset " + pos[0]);
    }
    byte[] out = Arrays.copyOfRange(rep, pos[0], pos[0] + (int) len);
    pos[0] += (int) len;
    return out;
  }
}
