package io.cairn.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.resource.Transports;
import io.netty.channel.epoll.EpollSocketChannel;
import org.junit.jupiter.api.Test;

/**
 * The artifact brings Netty's native epoll transport, and Lettuce picks it for Cairn's connections on Linux x86-64
 * (a round trip, which is what a remote cache's write or miss costs, took about a fifth less than over NIO here).
 */
class TransportTest {
  @Test
  void connectionsUseNativeEpollOnLinuxX86() {
    assumeTrue(System.getProperty("os.name").startsWith("Linux")
        && System.getProperty("os.arch").matches("amd64|x86_64"), "the bundled native library is for Linux x86-64");
    assumeTrue(!"false".equals(System.getProperty("io.lettuce.core.epoll")), "epoll switched off for this run");
    assertEquals(EpollSocketChannel.class, Transports.socketChannelClass());
  }
}
