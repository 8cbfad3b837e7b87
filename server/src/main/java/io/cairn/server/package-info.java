/**
 * Cairn server: a Redis-protocol (RESP2/RESP3) node whose logical databases are Cairn caches (heap tier over the LSM
 * disk tier), so its data set may exceed the heap and, per database, survive restarts and crashes. Netty event loops
 * parse requests ({@link io.cairn.server.RespParser}) and run them ({@link io.cairn.server.Session}); single-key
 * commands are atomic through the cache's per-key locking and take no global lock, multi-key commands and
 * transactions through striped locks taken in one order ({@link io.cairn.server.KeyLocks}). This package must not
 * reach into the provider's internals: it uses the JCache API and Cairn's public extensions only.
 */
package io.cairn.server;
