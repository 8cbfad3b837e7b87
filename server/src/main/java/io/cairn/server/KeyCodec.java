package io.cairn.server;

import io.cairn.jcache.Codec;

/**
 * Stores a {@link Key} as its own bytes, so the disk tier's unsigned byte order is the keys' order (which
 * {@code CAIRN.RANGE} returns). No copy either way: a key's bytes are never changed once it is built.
 */
final class KeyCodec implements Codec<Key> {
  static final KeyCodec INSTANCE = new KeyCodec();

  private KeyCodec() {}

  @Override
  public byte[] encode(Key key) {
    return key.bytes;
  }

  @Override
  public Key decode(byte[] bytes) {
    return new Key(bytes);
  }

  @Override
  public boolean preservesOrder() {
    return true;
  }

  @Override
  public String name() {
    return "redis-key";
  }
}
