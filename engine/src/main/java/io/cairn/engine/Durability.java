package io.cairn.engine;

/** What a write survives once the call that made it returns. */
public enum Durability {
  /** No write-ahead log: the memtable is lost on a crash or a close without flush. Fastest. */
  NONE,
  /** Written to the operating system before the call returns: survives a killed process, not a power loss. */
  BUFFERED,
  /** Forced to the device before the call returns (group commit shares one force among concurrent writers). */
  SYNC
}
