package io.cairn.engine;

import io.cairn.engine.version.FileNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which files of a store directory no one needs any more: tables no live version holds and no job is writing,
 * flushed logs, old manifests, temp files. Decided from a picture of the store taken under its mutex ({@link Live}),
 * so the listing and the deletes run without it, on the housekeeping thread (or at once, after a FIFO drop for
 * space, at open and at close). A file numbered at or past {@link Live#nextFileNumber} is never deleted: it was
 * created after the picture.
 */
final class ObsoleteFiles {
  private ObsoleteFiles() {}

  /**
   * The store as it stood when the picture was taken.
   *
   * @param tables table numbers a live version holds, or a job is writing (pending outputs, in-doubt ones included)
   * @param logNumber logs below it are flushed
   * @param memLogNumber the log of the memtable taking writes
   * @param manifestNumber the manifest in use
   * @param manifestBroken a manifest write failed: CURRENT may durably name any manifest, so none is deleted
   * @param nextFileNumber the next number to be given out
   */
  record Live(Set<Long> tables, long logNumber, long memLogNumber, long manifestNumber, boolean manifestBroken,
      long nextFileNumber) {}

  /** One file to delete. */
  record Obsolete(String name, FileNames.Kind kind, long number) {}

  /** The files among {@code names} (a directory listing) that {@code live} no longer needs. */
  static List<Obsolete> among(List<String> names, Live live) {
    List<Obsolete> out = new ArrayList<>();
    for (String name : names) {
      FileNames.Parsed p = FileNames.parse(name);
      boolean numbered = p.kind() == FileNames.Kind.TABLE || p.kind() == FileNames.Kind.LOG
          || p.kind() == FileNames.Kind.MANIFEST || p.kind() == FileNames.Kind.TEMP;
      if (!numbered || p.number() >= live.nextFileNumber()) {
        continue;
      }
      boolean delete = switch (p.kind()) {
        case TABLE -> !live.tables().contains(p.number());
        case LOG -> p.number() < live.logNumber() && p.number() != live.memLogNumber();
        case MANIFEST -> !live.manifestBroken() && p.number() != live.manifestNumber();
        default -> true;
      };
      if (delete) {
        out.add(new Obsolete(name, p.kind(), p.number()));
      }
    }
    return out;
  }
}
