/**
 * Which tables make up the store: immutable {@link io.cairn.engine.version.Version}s of levels and sorted runs, the
 * {@link io.cairn.engine.version.VersionEdit}s between them, and the manifest that logs those edits with CURRENT naming
 * the live manifest. Decides nothing about compaction; records and replays what was decided.
 */
package io.cairn.engine.version;
