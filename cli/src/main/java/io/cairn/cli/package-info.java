/**
 * The {@code cairn} command: inspect, verify, dump, get and compact a Cairn engine directory, and read a provider
 * cache's disk directory. Every command takes the directory's LOCK first, so none runs beside an open store; all but
 * {@code compact} only read (they never open a {@code Store}, which would rewrite the manifest and replay the logs).
 * Built on the engine's public API; knows the disk tier's key space only as its documentation states it.
 */
package io.cairn.cli;
