package io.cairn.engine.sstable;

/**
 * A point lookup's answer from one source: the newest visible entry's type, stored value and sequence number.
 */
public record Lookup(byte type, byte[] storedValue, long sequence) {}
