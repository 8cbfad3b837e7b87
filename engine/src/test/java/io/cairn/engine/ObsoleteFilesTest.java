package io.cairn.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which files a sweep deletes, from a picture of the store. */
class ObsoleteFilesTest {
  private static List<String> deleted(List<String> names, ObsoleteFiles.Live live) {
    return ObsoleteFiles.among(names, live).stream().map(ObsoleteFiles.Obsolete::name).toList();
  }

  @Test
  void deletesWhatNoVersionJobOrLogNeeds() {
    ObsoleteFiles.Live live = new ObsoleteFiles.Live(Set.of(5L, 7L), 9, 12, 10, false, 20);
    List<String> names = List.of("000005.sst", "000006.sst", "000007.sst", "000008.log", "000009.log", "000012.log",
        "MANIFEST-000003", "MANIFEST-000010", "000004.tmp", "CURRENT", "LOCK", "RESERVE", "notes.txt");
    assertEquals(List.of("000006.sst", "000008.log", "MANIFEST-000003", "000004.tmp"), deleted(names, live));
  }

  /** Files numbered at or past the picture's next number were made after it: a job writing them is not seen. */
  @Test
  void sparesFilesNewerThanThePicture() {
    ObsoleteFiles.Live live = new ObsoleteFiles.Live(Set.of(), 30, 30, 2, false, 20);
    assertEquals(List.of("000019.sst"), deleted(List.of("000019.sst", "000020.sst", "000021.tmp", "000025.log",
        "MANIFEST-000022"), live));
  }

  /** While the manifest is broken CURRENT may durably name any manifest: none is deleted. */
  @Test
  void keepsEveryManifestWhileTheManifestIsBroken() {
    ObsoleteFiles.Live live = new ObsoleteFiles.Live(Set.of(), 0, 0, 10, true, 20);
    assertEquals(List.of(), deleted(List.of("MANIFEST-000003", "MANIFEST-000010"), live));
  }
}
