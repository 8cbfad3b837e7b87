/**
 * The one narrow interface through which the engine touches files. Production uses {@link io.cairn.engine.fs.LocalFileSystem};
 * tests substitute a file system that loses unsynced data, fails writes or fills the disk. Nothing outside this
 * package opens a file directly.
 */
package io.cairn.engine.fs;
