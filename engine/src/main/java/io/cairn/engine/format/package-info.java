/**
 * Byte-level building blocks shared by every on-disk and in-memory structure: internal keys (user key plus a
 * sequence/type trailer), their ordering, varint coding and masked CRC32C. Owns no state and does no I/O.
 */
package io.cairn.engine.format;
