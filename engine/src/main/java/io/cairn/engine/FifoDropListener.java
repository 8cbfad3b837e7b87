package io.cairn.engine;

/**
 * Decides what a {@link CompactionStyle#FIFO} store keeps of a table it is about to delete for its byte budget, so a
 * cache can keep recently read entries without rewriting them when they are read (a read then never writes).
 *
 * <p>Before a drop by budget (never before a drop of a table whose entries all expired), the store calls
 * {@link #onDrop} once for each entry of the dropped tables that is still its key's newest version (no newer table
 * or memtable holds the key, not even as a tombstone), is not a tombstone and has not expired. Whatever the listener
 * appends to {@code keep} is written to the store (the memtable, and the log per {@link Durability}) before the
 * tables are deleted; see {@link Options#fifoDropListener} for the rules the store follows. Entries a drop deletes
 * without asking go to {@link #onDiscard}, and each drop ends with {@link #onDropEnd}. A memtable the store gives up
 * for space goes to {@link #onMemtableDiscarded}.
 */
@FunctionalInterface
public interface FifoDropListener {

  /**
   * One live entry of a table about to be dropped.
   *
   * @param entry the entry: its key, value and absolute expiry, as {@link Store#getEntry} would return them; the
   *     arrays are the listener's to keep
   * @param recentlyRead whether a point read ({@link Store#get}, {@link Store#getEntry}) returned this key from the
   *     table since the store was opened, or from a table it was merged from; rarely true for a key that was not read
   *     (a false positive, see {@link Options#fifoDropListener}), and false for one that was only if that read raced
   *     with a merge of its table
   * @param keep where to append the writes that keep it: usually {@code keep.put(entry)}, and any records the
   *     listener knows belong with it. Valid only during this call; what one call appends is written as one atomic
   *     batch
   */
  void onDrop(Entry entry, boolean recentlyRead, WriteBatch keep);

  /**
   * The key of one live entry (by the rules of {@link #onDrop}) that the drop deletes without offering it: past the
   * drop's keep cap, or in a drop for space after a write found the disk full (keeping would need the room there is
   * not), so its value is not read out. The default ignores it. A listener that tells others of lost entries hears of
   * every one through {@link #onDrop} (those it did not keep) and this method together, and should tell them only once
   * {@link #onDropEnd} says the tables are gone.
   *
   * @param key the entry's key; the array is the listener's to keep
   */
  default void onDiscard(byte[] key) {}

  /**
   * The drop whose entries were offered or discarded since the last call has ended, on the same thread. With {@code
   * deleted} its tables have left the store: what was not kept is gone. Without, the drop failed or was abandoned
   * (the store is closing, a write of kept entries or of the manifest failed): its tables stay, and a later drop
   * offers their entries again. The default ignores it.
   *
   * @param deleted whether the drop's tables left the store
   */
  default void onDropEnd(boolean deleted) {}

  /**
   * The store gave up a memtable: its disk had no room to write it as a table and no table was left to drop, and the
   * store would rather lose entries than stop taking writes. {@code keys} are those of its live entries (the newest
   * version of the key in it, not a tombstone, not expired, and no newer memtable holding the key); they are gone
   * from the store now. Called on the flush thread, outside any drop (one may be under way on another thread), so a
   * listener must not add these keys to the drop it may be collecting. The default ignores them.
   *
   * @param keys the keys; the list and its arrays are the listener's to keep
   */
  default void onMemtableDiscarded(java.util.List<byte[]> keys) {}
}
