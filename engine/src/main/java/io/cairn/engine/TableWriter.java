package io.cairn.engine;

import io.cairn.engine.fs.FileSystem;
import io.cairn.engine.sstable.TableBuilder;
import io.cairn.engine.sstable.TableProperties;
import io.cairn.engine.version.FileMeta;
import io.cairn.engine.version.FileNames;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one place tables are built (LevelDB's {@code builder.cc}): takes internal keys in order, cuts them into table
 * files of about {@code targetFileBytes} (cutting before the key that finds the current file at its target), and
 * forces each file to the device as it is finished. If anything fails, {@link #abandon} deletes every file it wrote,
 * finished or not, so no half-written or unused table outlives a failed flush or compaction; a table whose force
 * failed is never used (its bytes may not be durable whatever a later force says).
 *
 * <p>Not thread-safe: one flush or compaction uses one writer.
 */
final class TableWriter {
  /** Where output file numbers come from: the store's pending outputs, which the obsolete-file sweep spares. */
  interface Numbers {
    long allocate();

    void release(long number);
  }

  /** A finished table. */
  record Output(long number, long fileBytes, TableProperties properties) {
    FileMeta meta(long runId) {
      TableProperties p = properties;
      return new FileMeta(number, fileBytes, runId, p.entries(), p.tombstones(), p.expiringEntries(),
          p.maxExpireAtMillis(), p.smallest(), p.largest());
    }
  }

  private final FileSystem fs;
  private final Path dir;
  private final Options options;
  private final long targetFileBytes;
  private final Numbers numbers;
  private final Consumer<Output> onFinished;
  private final List<Output> outputs = new ArrayList<>();
  private FileSystem.WritableFile file;
  private TableBuilder builder;
  private long number = -1;
  private long bytesWritten;

  /**
   * @param targetFileBytes the size past which the next key starts a new file; {@link Long#MAX_VALUE} for one file
   * @param onFinished called with each table as it is finished and forced, before the next key is added
   */
  TableWriter(FileSystem fs, Path dir, Options options, long targetFileBytes, Numbers numbers,
      Consumer<Output> onFinished) {
    this.fs = fs;
    this.dir = dir;
    this.options = options;
    this.targetFileBytes = targetFileBytes;
    this.numbers = numbers;
    this.onFinished = onFinished;
  }

  void add(byte[] internalKey, byte[] storedValue) throws IOException {
    if (builder != null && builder.fileSizeEstimate() >= targetFileBytes) {
      finishCurrent();
    }
    if (builder == null) {
      number = numbers.allocate();
      file = fs.create(FileNames.table(dir, number));
      builder = new TableBuilder(file, options.blockBytes(), options.bloomBitsPerKey(), options.indexLayout(),
          options.prefixExtractor(), options.compression());
    }
    builder.add(internalKey, storedValue);
  }

  private void finishCurrent() throws IOException {
    TableProperties props = builder.finish();
    file.sync();
    file.close();
    Output out = new Output(number, builder.fileSize(), props);
    outputs.add(out);
    bytesWritten += out.fileBytes();
    file = null;
    builder = null;
    number = -1;
    onFinished.accept(out);
  }

  /** Finishes the last table; returns every table written, in key order (none if no key was added). */
  List<Output> finish() throws IOException {
    if (builder != null) {
      finishCurrent();
    }
    return outputs;
  }

  /** Bytes of the finished tables. */
  long bytesWritten() {
    return bytesWritten;
  }

  /**
   * After a failure: closes the open file and deletes every file this writer created, giving their numbers back (a
   * file that cannot be deleted now is a pending output no more, so the next obsolete-file sweep deletes it).
   * Returns the numbers of the files it created, for the caller to forget any reader it opened on them.
   */
  List<Long> abandon() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException ignored) {
        // The file is deleted next; what it held does not matter.
      }
    }
    List<Long> created = new ArrayList<>();
    for (Output o : outputs) {
      created.add(o.number());
    }
    if (number >= 0) {
      created.add(number);
    }
    for (long n : created) {
      try {
        fs.delete(FileNames.table(dir, n));
      } catch (IOException ignored) {
        // Not a pending output once released: the next sweep deletes it.
      }
      numbers.release(n);
    }
    outputs.clear();
    file = null;
    builder = null;
    number = -1;
    return created;
  }
}
