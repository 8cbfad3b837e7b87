package io.cairn.server;

import io.netty.buffer.ByteBuf;
import java.util.Locale;

/** PING, ECHO, HELLO, AUTH, QUIT and RESET. */
final class ConnectionCommands {
  private ConnectionCommands() {}

  static void ping(Session s, byte[][] a) {
    if (a.length > 2) {
      s.error(Errors.arity("ping"));
      return;
    }
    if (s.proto == 2 && s.subscriptions.count() > 0) {
      ByteBuf b = s.out();
      Reply.array(b, 2);
      Reply.bulk(b, "pong");
      Reply.bulk(b, a.length == 2 ? a[1] : new byte[0]);
    } else if (a.length == 2) {
      Reply.bulk(s.out(), a[1]);
    } else {
      Reply.pong(s.out());
    }
  }

  static void echo(Session s, byte[][] a) {
    Reply.bulk(s.out(), a[1]);
  }

  static void auth(Session s, byte[][] a) {
    if (a.length > 3) {
      s.error(Errors.SYNTAX);
      return;
    }
    String user;
    byte[] password;
    if (a.length == 2) {
      if (!s.server.users.defaultHasPassword()) {
        s.error("ERR AUTH <password> called without any password configured for the default user. Are you sure "
            + "your configuration is correct?");
        return;
      }
      user = "default";
      password = a[1];
    } else {
      user = Session.latin1(a[1]);
      password = a[2];
    }
    if (authenticate(s, user, password)) {
      Reply.ok(s.out());
    } else {
      s.error(Errors.WRONGPASS);
    }
  }

  private static boolean authenticate(Session s, String user, byte[] password) {
    if (s.server.users.check(user, password)) {
      s.user = user;
      s.authenticated = true;
      return true;
    }
    s.server.stats.failedAuths.increment();
    return false;
  }

  /**
   * HELLO [protover [AUTH user pass] [SETNAME name]]. Cairn answers {@code server: redis} and the Redis version whose
   * protocol it implements ({@link CairnServer#REDIS_VERSION}), not its own name: clients gate features on these
   * two fields, and Jedis 5+ enables its client-side cache only for a server that says it is redis 7.4 or later.
   * Cairn implements what that cache needs (RESP3, CLIENT TRACKING with invalidation pushes), so it says so; INFO
   * server tells Cairn apart ({@code cairn_version}).
   */
  static void hello(Session s, byte[][] a) {
    int ver = 0;
    int next = 1;
    if (a.length >= 2) {
      long v;
      try {
        v = Numbers.parseLong(a[1]);
      } catch (Numbers.NotANumber e) {
        s.error("ERR Protocol version is not an integer or out of range");
        return;
      }
      if (v < 2 || v > 3) {
        s.error("NOPROTO unsupported protocol version");
        return;
      }
      ver = (int) v;
      next = 2;
    }
    for (int j = next; j < a.length; j++) {
      int more = a.length - 1 - j;
      String opt = Session.latin1(a[j]).toLowerCase(Locale.ROOT);
      if (opt.equals("auth") && more >= 2) {
        if (!authenticate(s, Session.latin1(a[j + 1]), a[j + 2])) {
          s.error(Errors.WRONGPASS);
          return;
        }
        j += 2;
      } else if (opt.equals("setname") && more >= 1) {
        if (!ClientCommand.validName(a[j + 1])) {
          s.error(ClientCommand.BAD_NAME);
          return;
        }
        s.name = Session.latin1(a[j + 1]);
        j++;
      } else {
        s.error("ERR Syntax error in HELLO option '" + Session.cstr(a[j]) + "'");
        return;
      }
    }
    if (!s.authenticated) {
      s.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> "
          + "<pass> option can be used to authenticate the client and select the RESP protocol version at the same "
          + "time");
      return;
    }
    if (ver != 0) {
      s.proto = ver;
    }
    ByteBuf b = s.out();
    Reply.map(b, s.proto, 7);
    Reply.bulk(b, "server");
    Reply.bulk(b, "redis");
    Reply.bulk(b, "version");
    Reply.bulk(b, CairnServer.REDIS_VERSION);
    Reply.bulk(b, "proto");
    Reply.integer(b, s.proto);
    Reply.bulk(b, "id");
    Reply.integer(b, s.id);
    Reply.bulk(b, "mode");
    Reply.bulk(b, "standalone");
    Reply.bulk(b, "role");
    Reply.bulk(b, "master");
    Reply.bulk(b, "modules");
    Reply.array(b, 0);
  }

  static void quit(Session s, byte[][] a) {
    Reply.ok(s.out());
    s.closeAfterReply = true;
  }

  static void reset(Session s, byte[][] a) {
    s.reset();
    Reply.simple(s.out(), "RESET");
  }
}
