package io.cairn.cli;

import io.cairn.engine.format.Bytes;
import java.nio.charset.StandardCharsets;

/**
 * The key space of a provider cache's disk directory, as the provider's disk tier documents it: {@code 0x00 key} an
 * entry, {@code 0x01 expireAt:uint64 key} an expiry index record, {@code 0x02 len(value):varint value key} an inverse
 * record of a bidirectional cache, and {@code 0xff} the META record (layout version 2 on): {@code
 * layoutVersion:varint cacheName keyCodec valueCodec}, each string {@code length:varint utf8}. A directory without
 * META is layout version 1: the same keys, name and codecs unknown.
 */
final class DiskTierLayout {
  static final byte DATA = 0x00;
  static final byte INDEX = 0x01;
  static final byte INVERSE = 0x02;
  static final byte META = (byte) 0xff;
  static final byte[] META_KEY = {META};
  /** The newest layout this tool reads. */
  static final int LAYOUT_VERSION = 2;

  private DiskTierLayout() {}

  /** A decoded META record. */
  record Meta(long layoutVersion, String cacheName, String keyCodec, String valueCodec) {}

  /**
   * Decodes a META record's value.
   *
   * @throws CliException if it is malformed, or of a newer layout than this tool reads
   */
  static Meta meta(byte[] value) {
    int[] pos = {0};
    long version = Bytes.getVarint(value, pos, value.length);
    if (version < 1) {
      throw new CliException("the META record (" + Formats.hex(value) + ") has no layout version");
    }
    if (version > LAYOUT_VERSION) {
      throw new CliException("the cache directory has disk layout version " + version + ", written by a newer"
          + " Cairn; this tool reads layout versions up to " + LAYOUT_VERSION);
    }
    String[] fields = new String[3];
    for (int i = 0; i < fields.length; i++) {
      long len = Bytes.getVarint(value, pos, value.length);
      if (len < 0 || pos[0] + len > value.length) {
        throw new CliException("the META record (" + Formats.hex(value) + ") is malformed at byte " + pos[0]);
      }
      fields[i] = new String(value, pos[0], (int) len, StandardCharsets.UTF_8);
      pos[0] += (int) len;
    }
    return new Meta(version, fields[0], fields[1], fields[2]);
  }
}
