package io.cairn.engine.sstable;

import io.cairn.engine.format.Bytes;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Builds one block of sorted key/value entries.
 *
 * <h2>Format (version 1)</h2>
 * <pre>
 * block   := entry* restart:uint32[count] count:uint32
 * entry   := shared:varint unshared:varint valueLength:varint keySuffix:byte[unshared] value:byte[valueLength]
 * </pre>
 * {@code shared} is the length of the prefix the key shares with the previous key. Every {@code restartInterval}-th
 * entry is a restart point: it stores its whole key ({@code shared == 0}) and its offset goes into the restart array,
 * so a reader binary-searches restart points and then scans at most {@code restartInterval} entries. Index blocks use
 * an interval of 1, which makes them a plain array of fence keys. The block's checksum lives in the table's block
 * trailer, not here.
 */
public final class BlockBuilder {
  private final int restartInterval;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(8 * 1024);
  private int[] restarts = new int[64];
  private int restartCount;
  private int sinceRestart;
  private byte[] lastKey = new byte[0];
  private int entries;
  private final byte[] scratch = new byte[30];

  public BlockBuilder(int restartInterval) {
    if (restartInterval < 1) {
      throw new IllegalArgumentException("restartInterval must be at least 1, was " + restartInterval);
    }
    this.restartInterval = restartInterval;
  }

  public void add(byte[] key, byte[] value) {
    int shared = 0;
    if (sinceRestart < restartInterval && entries > 0) {
      shared = Arrays.mismatch(lastKey, key);
      if (shared < 0) {
        shared = key.length;
      }
      shared = Math.min(shared, Math.min(lastKey.length, key.length));
    } else {
      if (restartCount == restarts.length) {
        restarts = Arrays.copyOf(restarts, restartCount * 2);
      }
      restarts[restartCount++] = out.size();
      sinceRestart = 0;
    }
    int unshared = key.length - shared;
    int p = Bytes.putVarint(scratch, 0, shared);
    p = Bytes.putVarint(scratch, p, unshared);
    p = Bytes.putVarint(scratch, p, value.length);
    out.write(scratch, 0, p);
    out.write(key, shared, unshared);
    out.write(value, 0, value.length);
    lastKey = key;
    sinceRestart++;
    entries++;
  }

  public int currentSizeEstimate() {
    return out.size() + restartCount * 4 + 4;
  }

  public boolean isEmpty() {
    return entries == 0;
  }

  public byte[] lastKey() {
    return lastKey;
  }

  /** The finished block; the builder is reset for reuse. */
  public byte[] finish() {
    byte[] tail = new byte[restartCount * 4 + 4];
    for (int i = 0; i < restartCount; i++) {
      Bytes.putInt(tail, i * 4, restarts[i]);
    }
    Bytes.putInt(tail, restartCount * 4, restartCount);
    out.write(tail, 0, tail.length);
    byte[] block = out.toByteArray();
    out.reset();
    restartCount = 0;
    sinceRestart = 0;
    entries = 0;
    lastKey = new byte[0];
    return block;
  }
}
