package io.cairn.server;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.List;

/** SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB CHANNELS / NUMSUB / NUMPAT. */
final class PubSubCommands {
  private PubSubCommands() {}

  static void subscribe(Session s, byte[][] a) {
    for (int i = 1; i < a.length; i++) {
      s.server.pubsub.subscribe(s, a[i], false);
    }
  }

  static void psubscribe(Session s, byte[][] a) {
    for (int i = 1; i < a.length; i++) {
      s.server.pubsub.subscribe(s, a[i], true);
    }
  }

  static void unsubscribe(Session s, byte[][] a) {
    s.server.pubsub.unsubscribe(s, a.length == 1 ? null : Arrays.copyOfRange(a, 1, a.length), false);
  }

  static void punsubscribe(Session s, byte[][] a) {
    s.server.pubsub.unsubscribe(s, a.length == 1 ? null : Arrays.copyOfRange(a, 1, a.length), true);
  }

  static void publish(Session s, byte[][] a) {
    Reply.integer(s.out(), s.server.pubsub.publish(s, a[1], a[2]));
  }

  static void channels(Session s, byte[][] a) {
    if (a.length > 3) {
      s.error(Errors.arity("pubsub|channels"));
      return;
    }
    List<byte[]> ch = s.server.pubsub.channels(a.length == 3 ? a[2] : null);
    ByteBuf b = s.out();
    Reply.array(b, ch.size());
    for (byte[] c : ch) {
      Reply.bulk(b, c);
    }
  }

  static void numsub(Session s, byte[][] a) {
    ByteBuf b = s.out();
    Reply.map(b, s.proto, a.length - 2);
    for (int i = 2; i < a.length; i++) {
      Reply.bulk(b, a[i]);
      Reply.integer(b, s.server.pubsub.numsub(a[i]));
    }
  }

  static void numpat(Session s, byte[][] a) {
    Reply.integer(s.out(), s.server.pubsub.numpat());
  }

  static void help(Session s, byte[][] a) {
    Help.reply(s, "PUBSUB", List.of(
        "CHANNELS [<pattern>]", "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT", "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]", "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels)."));
  }
}
