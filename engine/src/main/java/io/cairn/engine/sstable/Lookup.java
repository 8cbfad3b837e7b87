package io.cairn.engine.sstable;

/** A point lookup's answer from one source: the newest visible entry's type and stored value. */
public record Lookup(byte type, byte[] storedValue) {}
