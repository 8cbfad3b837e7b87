package io.cairn.engine.sstable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cairn.engine.format.InternalKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlockTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 16, 1000})
  void seeksLandOnTheFirstKeyAtOrAfterTheTarget(int restartInterval) {
    Random r = new Random(restartInterval);
    TreeMap<byte[], byte[]> model = new TreeMap<>(InternalKey.COMPARATOR);
    for (int i = 0; i < 500; i++) {
      byte[] user = ("k" + r.nextInt(100_000)).getBytes();
      model.put(InternalKey.encode(user, r.nextInt(1000), InternalKey.TYPE_VALUE), ("v" + i).getBytes());
    }
    BlockBuilder b = new BlockBuilder(restartInterval);
    model.forEach(b::add);
    byte[] data = b.finish();
    Block block = new Block(data, Path.of("test"), 0);
    Block.Cursor c = block.cursor();
    List<byte[]> keys = new ArrayList<>(model.keySet());
    int i = 0;
    for (c.seekToFirst(); c.valid(); c.next()) {
      assertArrayEquals(keys.get(i), c.key());
      assertArrayEquals(model.get(keys.get(i)), c.value());
      i++;
    }
    assertEquals(keys.size(), i);
    for (int probe = 0; probe < 500; probe++) {
      byte[] target = InternalKey.encode(("k" + r.nextInt(100_000)).getBytes(), r.nextInt(1000),
          InternalKey.TYPE_VALUE);
      byte[] want = model.ceilingKey(target);
      c.seek(target);
      if (want == null) {
        assertFalse(c.valid());
      } else {
        assertTrue(c.valid());
        assertArrayEquals(want, c.key());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 16})
  void prefixCompressionShrinksSharedPrefixes(int restartInterval) {
    BlockBuilder b = new BlockBuilder(16);
    BlockBuilder plain = new BlockBuilder(1);
    for (int i = 0; i < 100; i++) {
      byte[] k = InternalKey.encode(String.format("a-long-common-prefix-%05d", i).getBytes(), i,
          InternalKey.TYPE_VALUE);
      b.add(k, new byte[0]);
      plain.add(k, new byte[0]);
    }
    assertTrue(b.finish().length < plain.finish().length * 0.6);
  }
}
