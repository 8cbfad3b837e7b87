package io.cairn.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Channels and patterns to their subscribers. PUBLISH encodes each message once per protocol (a RESP3 push, a RESP2
 * array) and hands it to every subscriber's event loop; a subscriber that does not read is cut off by its output
 * buffer limit ({@link Limits}), never buffered without bound.
 *
 * <p>Thread-safety: concurrent maps of concurrent sets; a session's own subscription sets are changed on its loop.
 */
final class PubSub {
  private static final byte[] MESSAGE = Session.ascii("message");
  private static final byte[] PMESSAGE = Session.ascii("pmessage");

  private final Map<Key, Set<Session>> channels = new ConcurrentHashMap<>();
  private final Map<Key, Set<Session>> patterns = new ConcurrentHashMap<>();

  /** (P)SUBSCRIBE of one channel or pattern, with its confirmation. */
  void subscribe(Session s, byte[] name, boolean pattern) {
    Key k = new Key(name);
    Set<Key> mine = pattern ? s.subscriptions.patterns : s.subscriptions.channels;
    if (mine.add(k)) {
      (pattern ? patterns : channels).computeIfAbsent(k, x -> ConcurrentHashMap.newKeySet()).add(s);
      s.subscriptions.recount();
    }
    confirm(s, pattern ? "psubscribe" : "subscribe", name);
  }

  /** (P)UNSUBSCRIBE: the given names, or all of them (null); one confirmation each, or one with a null name. */
  void unsubscribe(Session s, byte[][] names, boolean pattern) {
    Set<Key> mine = pattern ? s.subscriptions.patterns : s.subscriptions.channels;
    String kind = pattern ? "punsubscribe" : "unsubscribe";
    if (names == null) {
      if (mine.isEmpty()) {
        confirm(s, kind, null);
        return;
      }
      for (Key k : new ArrayList<>(mine)) {
        drop(s, k, pattern);
        confirm(s, kind, k.bytes);
      }
      return;
    }
    for (byte[] n : names) {
      drop(s, new Key(n), pattern);
      confirm(s, kind, n);
    }
  }

  private void drop(Session s, Key k, boolean pattern) {
    Set<Key> mine = pattern ? s.subscriptions.patterns : s.subscriptions.channels;
    if (mine.remove(k)) {
      (pattern ? patterns : channels).computeIfPresent(k, (x, set) -> {
        set.remove(s);
        return set.isEmpty() ? null : set;
      });
      s.subscriptions.recount();
    }
  }

  private static void confirm(Session s, String kind, byte[] name) {
    ByteBuf b = s.out();
    Reply.push(b, s.proto, 3);
    Reply.bulk(b, kind);
    if (name == null) {
      Reply.nullBulk(b, s.proto);
    } else {
      Reply.bulk(b, name);
    }
    Reply.integer(b, s.subscriptions.count());
  }

  /** A closing or reset connection leaves every channel and pattern, without confirmations. */
  void unsubscribeAll(Session s) {
    for (Key k : new ArrayList<>(s.subscriptions.channels)) {
      drop(s, k, false);
    }
    for (Key k : new ArrayList<>(s.subscriptions.patterns)) {
      drop(s, k, true);
    }
  }

  /** PUBLISH: delivers to channel subscribers and matching patterns; returns how many received it. */
  long publish(Session from, byte[] channel, byte[] message) {
    long n = 0;
    Set<Session> subs = channels.get(new Key(channel));
    if (subs != null && !subs.isEmpty()) {
      byte[][] encoded = new byte[2][];
      for (Session s : subs) {
        int p = s.proto >= 3 ? 1 : 0;
        if (encoded[p] == null) {
          ByteBuf b = Unpooled.buffer(32 + channel.length + message.length);
          Reply.push(b, s.proto, 3);
          Reply.bulk(b, MESSAGE);
          Reply.bulk(b, channel);
          Reply.bulk(b, message);
          encoded[p] = bytes(b);
        }
        s.deliver(encoded[p], true);
        n++;
      }
    }
    if (!patterns.isEmpty()) {
      for (Map.Entry<Key, Set<Session>> e : patterns.entrySet()) {
        byte[] pattern = e.getKey().bytes;
        if (!Glob.matches(pattern, channel)) {
          continue;
        }
        byte[][] encoded = new byte[2][];
        for (Session s : e.getValue()) {
          int p = s.proto >= 3 ? 1 : 0;
          if (encoded[p] == null) {
            ByteBuf b = Unpooled.buffer(48 + pattern.length + channel.length + message.length);
            Reply.push(b, s.proto, 4);
            Reply.bulk(b, PMESSAGE);
            Reply.bulk(b, pattern);
            Reply.bulk(b, channel);
            Reply.bulk(b, message);
            encoded[p] = bytes(b);
          }
          s.deliver(encoded[p], true);
          n++;
        }
      }
    }
    return n;
  }

  /** PUBSUB CHANNELS [pattern]: active channels (with at least one subscriber). */
  List<byte[]> channels(byte[] pattern) {
    List<byte[]> out = new ArrayList<>();
    for (Map.Entry<Key, Set<Session>> e : channels.entrySet()) {
      if (!e.getValue().isEmpty() && (pattern == null || Glob.matches(pattern, e.getKey().bytes))) {
        out.add(e.getKey().bytes);
      }
    }
    return out;
  }

  long numsub(byte[] channel) {
    Set<Session> s = channels.get(new Key(channel));
    return s == null ? 0 : s.size();
  }

  long numpat() {
    return patterns.size();
  }

  long channelCount() {
    return channels.size();
  }

  private static byte[] bytes(ByteBuf b) {
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    return out;
  }
}
