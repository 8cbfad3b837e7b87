package io.cairn.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** LCS beyond what DifferentialIT compares with Redis: the table's memory limit and the RESP3 map of IDX. */
class LcsTest {
  @Test
  void theTableMayTakeAtMostProtoMaxBulkLen() throws Exception {
    try (TestServer s = TestServer.start("--proto-max-bulk-len", "4096"); RespClient c = s.client()) {
      c.call("SET", "a", "x".repeat(40));
      c.call("SET", "b", "x".repeat(20));
      assertEquals(":20", c.call("LCS", "a", "b", "LEN"), "41 x 21 cells of 4 bytes fit in 4096");
      c.call("SET", "b", "x".repeat(30));
      assertEquals("-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
          c.call("LCS", "a", "b"));
    }
  }

  @Test
  void idxIsAMapInResp3() throws Exception {
    try (TestServer s = TestServer.start(); RespClient c = s.client()) {
      c.call("HELLO", "3");
      c.call("MSET", "key1", "ohmytext", "key2", "mynewtext");
      assertEquals("$mytext", c.call("LCS", "key1", "key2"));
      assertEquals("%{$matches=*[*[*[:4,:7],*[:5,:8],:4],*[*[:2,:3],*[:0,:1],:2]],$len=:6}",
          c.call("LCS", "key1", "key2", "IDX", "WITHMATCHLEN"));
    }
  }
}
