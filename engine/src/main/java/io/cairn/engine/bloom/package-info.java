/**
 * Per-table bloom filters over user keys: cache-line blocked (each key touches one 64-byte block), hashed once with
 * XXH3. Pure functions over byte arrays; the filter bytes live in a table and are read through the block cache.
 */
package io.cairn.engine.bloom;
