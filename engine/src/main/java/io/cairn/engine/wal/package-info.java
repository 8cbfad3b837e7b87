/**
 * The write-ahead log framing: records cut into CRC32C-checked chunks inside 32 KiB blocks. The same framing carries
 * the WAL (write batches) and the manifest (version edits). Knows nothing of what a record means.
 */
package io.cairn.engine.wal;
