package io.cairn.engine.sstable;

import io.cairn.engine.CorruptionException;
import io.cairn.engine.format.Bytes;
import io.cairn.engine.format.InternalKey;
import io.cairn.engine.iterator.InternalIterator;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A checksum-verified block in {@link BlockBuilder}'s format, ready to search. Immutable and shared between threads
 * through the block cache; each reader gets its own {@link Cursor}.
 */
public final class Block {
  private final byte[] data;
  private final int restartsOffset;
  private final int restartCount;
  private final Path file;
  private final long fileOffset;

  public Block(byte[] data, Path file, long fileOffset) {
    this(data, data.length, file, fileOffset);
  }

  /** A block held in {@code data[0, length)}; bytes after {@code length} (a read's trailer) are ignored. */
  public Block(byte[] data, int length, Path file, long fileOffset) {
    this.data = data;
    this.file = file;
    this.fileOffset = fileOffset;
    if (length < 4) {
      throw new CorruptionException(file, fileOffset, "block of " + length + " bytes is too short");
    }
    restartCount = Bytes.getInt(data, length - 4);
    long offset = (long) length - 4 - 4L * restartCount;
    if (restartCount < 0 || offset < 0) {
      throw new CorruptionException(file, fileOffset, "block restart count " + restartCount + " does not fit its "
          + length + " bytes");
    }
    restartsOffset = (int) offset;
  }

  /** Bytes this block holds on the heap, for the cache's budget. */
  public int charge() {
    return data.length + 48;
  }

  public Cursor cursor() {
    return new Cursor();
  }

  private int restart(int i) {
    return Bytes.getInt(data, restartsOffset + 4 * i);
  }

  /** A position inside the block. Keys and values are copied out on request, so the block is never exposed. */
  public final class Cursor implements InternalIterator {
    private final int[] pos = new int[1];
    private byte[] keyBuf = new byte[32];
    private int keyLength;
    private int valueOffset;
    private int valueLength;
    private int next;
    private boolean valid;
    private byte[] keyCopy;

    @Override
    public boolean valid() {
      return valid;
    }

    @Override
    public void seekToFirst() {
      keyLength = 0;
      next = restartCount == 0 ? restartsOffset : restart(0);
      advance();
    }

    @Override
    public void seek(byte[] target) {
      int lo = 0;
      int hi = restartCount - 1;
      int start = 0;
      while (lo <= hi) {
        int mid = (lo + hi) >>> 1;
        int at = restart(mid);
        if (compareRestartKey(at, target) < 0) {
          start = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      keyLength = 0;
      next = restartCount == 0 ? restartsOffset : restart(start);
      advance();
      while (valid && InternalKey.compare(keyBuf, 0, keyLength, target) < 0) {
        advance();
      }
    }

    private int compareRestartKey(int at, byte[] target) {
      pos[0] = at;
      long shared = Bytes.getVarint(data, pos, restartsOffset);
      long unshared = Bytes.getVarint(data, pos, restartsOffset);
      long vlen = Bytes.getVarint(data, pos, restartsOffset);
      if (shared != 0 || unshared < InternalKey.TRAILER_BYTES || vlen < 0 || pos[0] + unshared > restartsOffset) {
        throw corrupt("bad restart entry at block offset " + at);
      }
      return InternalKey.compare(data, pos[0], (int) unshared, target);
    }

    @Override
    public void next() {
      advance();
    }

    private void advance() {
      keyCopy = null;
      if (next >= restartsOffset) {
        valid = false;
        return;
      }
      pos[0] = next;
      long shared = Bytes.getVarint(data, pos, restartsOffset);
      long unshared = Bytes.getVarint(data, pos, restartsOffset);
      long vlen = Bytes.getVarint(data, pos, restartsOffset);
      if (shared < 0 || unshared < 0 || vlen < 0 || shared > keyLength
          || pos[0] + unshared + vlen > restartsOffset) {
        throw corrupt("bad entry at block offset " + next);
      }
      int newLength = (int) (shared + unshared);
      if (newLength > keyBuf.length) {
        keyBuf = Arrays.copyOf(keyBuf, Math.max(newLength, keyBuf.length * 2));
      }
      System.arraycopy(data, pos[0], keyBuf, (int) shared, (int) unshared);
      keyLength = newLength;
      valueOffset = pos[0] + (int) unshared;
      valueLength = (int) vlen;
      next = valueOffset + valueLength;
      valid = true;
    }

    private CorruptionException corrupt(String what) {
      valid = false;
      return new CorruptionException(file, fileOffset, what);
    }

    @Override
    public byte[] key() {
      if (keyCopy == null) {
        keyCopy = Arrays.copyOf(keyBuf, keyLength);
      }
      return keyCopy;
    }

    /** Whether the current key's user part equals {@code userKey}, without copying. */
    public boolean userKeyEquals(byte[] userKey) {
      return keyLength - InternalKey.TRAILER_BYTES == userKey.length
          && Arrays.equals(keyBuf, 0, userKey.length, userKey, 0, userKey.length);
    }

    /** The current entry's sequence number (from its trailer). */
    public long sequence() {
      return InternalKey.trailer(keyBuf, keyLength) >>> 8;
    }

    /** The current entry's type byte (from its trailer). */
    public byte type() {
      return keyBuf[keyLength - 1];
    }

    @Override
    public byte[] value() {
      return Arrays.copyOfRange(data, valueOffset, valueOffset + valueLength);
    }
  }
}
