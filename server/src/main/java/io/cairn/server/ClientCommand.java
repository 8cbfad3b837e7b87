package io.cairn.server;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CLIENT subcommands: identity (ID, SETNAME, GETNAME, SETINFO), introspection (LIST, INFO), KILL, client-side
 * caching (TRACKING, CACHING, GETREDIR, TRACKINGINFO) and the NO-EVICT / NO-TOUCH switches, with Redis's replies and
 * errors.
 */
final class ClientCommand {
  private ClientCommand() {}

  static final String BAD_NAME = "ERR Client names cannot contain spaces, newlines or special characters.";

  /** CLIENT CACHING's handler, which the dispatcher recognises: it keeps its own effect for the next command. */
  static final Command.Handler CACHING = ClientCommand::caching;

  static boolean validName(byte[] name) {
    for (byte b : name) {
      if (b < '!' || b > '~') {
        return false;
      }
    }
    return true;
  }

  static void id(Session s, byte[][] a) {
    Reply.integer(s.out(), s.id);
  }

  static void setname(Session s, byte[][] a) {
    if (!validName(a[2])) {
      s.error(BAD_NAME);
      return;
    }
    s.name = Session.latin1(a[2]);
    Reply.ok(s.out());
  }

  static void getname(Session s, byte[][] a) {
    if (s.name.isEmpty()) {
      Reply.nullBulk(s.out(), s.proto);
    } else {
      Reply.bulk(s.out(), Session.ascii(s.name));
    }
  }

  static void setinfo(Session s, byte[][] a) {
    String attr = Session.latin1(a[2]).toLowerCase(Locale.ROOT);
    String v = Session.latin1(a[3]);
    for (char c : v.toCharArray()) {
      if (c < '!' || c > '~') {
        s.error("ERR " + attr + " cannot contain spaces, newlines or special characters.");
        return;
      }
    }
    switch (attr) {
      case "lib-name" -> s.libName = v;
      case "lib-ver" -> s.libVersion = v;
      default -> {
        s.error("ERR Unrecognized option '" + Session.latin1(a[2]) + "'");
        return;
      }
    }
    Reply.ok(s.out());
  }

  static void info(Session s, byte[][] a) {
    Reply.verbatim(s.out(), s.proto, describe(s) + "\n");
  }

  static void list(Session s, byte[][] a) {
    String type = null;
    List<Long> ids = null;
    for (int j = 2; j < a.length; j++) {
      String opt = Session.latin1(a[j]).toLowerCase(Locale.ROOT);
      if (opt.equals("type") && j + 1 < a.length) {
        type = Session.latin1(a[++j]).toLowerCase(Locale.ROOT);
        if (!List.of("normal", "pubsub", "master", "replica", "slave").contains(type)) {
          s.error("ERR Unknown client type '" + Session.latin1(a[j]) + "'");
          return;
        }
      } else if (opt.equals("id") && j + 1 < a.length) {
        ids = new ArrayList<>();
        for (j++; j < a.length; j++) {
          try {
            long id = Numbers.parseLong(a[j]);
            if (id <= 0) {
              throw Numbers.NotANumber.INSTANCE;
            }
            ids.add(id);
          } catch (Numbers.NotANumber e) {
            s.error("ERR Invalid client ID");
            return;
          }
        }
      } else {
        s.error(Errors.SYNTAX);
        return;
      }
    }
    StringBuilder sb = new StringBuilder();
    List<Session> all = new ArrayList<>(s.server.sessions());
    all.sort((x, y) -> Long.compare(x.id, y.id));
    for (Session c : all) {
      if (type != null && !type.equals(c.subscriptions.count() > 0 ? "pubsub" : "normal")) {
        continue;
      }
      if (ids != null && !ids.contains(c.id)) {
        continue;
      }
      sb.append(describe(c)).append('\n');
    }
    Reply.verbatim(s.out(), s.proto, sb.toString());
  }

  private static String address(SocketAddress a) {
    if (a instanceof InetSocketAddress i) {
      return i.getAddress().getHostAddress() + ":" + i.getPort();
    }
    return String.valueOf(a);
  }

  /** The client's address as CLIENT LIST and MONITOR name it: ip:port. */
  static String peer(Session c) {
    return address(c.channel.remoteAddress());
  }

  /** One CLIENT LIST line, with the fields Redis 7 prints. */
  static String describe(Session c) {
    long now = System.currentTimeMillis();
    StringBuilder flags = new StringBuilder();
    if (c.subscriptions.count() > 0) {
      flags.append('P');
    }
    if (c.tx.active) {
      flags.append('x');
    }
    if (c.tx.dirty) {
      flags.append('d');
    }
    if (c.tracking.enabled) {
      flags.append('t');
    }
    if (c.noEvict) {
      flags.append('e');
    }
    if (c.noTouch) {
      flags.append('T');
    }
    if (c.server.monitors.contains(c)) {
      flags.append('O');
    }
    if (flags.length() == 0) {
      flags.append('N');
    }
    return "id=" + c.id + " addr=" + address(c.channel.remoteAddress()) + " laddr="
        + address(c.channel.localAddress()) + " fd=-1 name=" + c.name + " age=" + (now - c.createdMillis) / 1000
        + " idle=" + (now - c.lastInteractionMillis) / 1000 + " flags=" + flags + " db=" + c.dbIndex + " sub="
        + c.subscriptions.channels.size() + " psub=" + c.subscriptions.patterns.size() + " ssub=0 multi="
        + (c.tx.active ? c.tx.commands.size() : -1) + " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0"
        + " oll=0 omem=" + c.pendingOutputBytes() + " tot-mem=0 events=r cmd=" + c.lastCommand + " user=" + c.user
        + " redir=" + (c.tracking.enabled ? c.tracking.redirect : -1) + " resp=" + c.proto + " lib-name="
        + c.libName + " lib-ver=" + c.libVersion;
  }

  static void kill(Session s, byte[][] a) {
    String addr = null;
    String laddr = null;
    String type = null;
    String user = null;
    long id = 0;
    boolean skipme = true;
    boolean oldStyle = a.length == 3;
    if (oldStyle) {
      addr = Session.latin1(a[2]);
      skipme = false;
    } else {
      for (int i = 2; i < a.length; i += 2) {
        String opt = Session.latin1(a[i]).toLowerCase(Locale.ROOT);
        if (i + 1 >= a.length) {
          s.error(Errors.SYNTAX);
          return;
        }
        String v = Session.latin1(a[i + 1]);
        switch (opt) {
          case "id" -> {
            try {
              id = Numbers.parseLong(a[i + 1]);
            } catch (Numbers.NotANumber e) {
              s.error(Errors.NOT_INTEGER);
              return;
            }
            if (id < 1) {
              s.error("ERR client-id should be greater than 0");
              return;
            }
          }
          case "type" -> {
            type = v.toLowerCase(Locale.ROOT);
            if (!List.of("normal", "pubsub", "master", "replica", "slave").contains(type)) {
              s.error("ERR Unknown client type '" + v + "'");
              return;
            }
          }
          case "addr" -> addr = v;
          case "laddr" -> laddr = v;
          case "user" -> user = v;
          case "skipme" -> {
            if (v.equalsIgnoreCase("yes")) {
              skipme = true;
            } else if (v.equalsIgnoreCase("no")) {
              skipme = false;
            } else {
              s.error(Errors.SYNTAX);
              return;
            }
          }
          default -> {
            s.error(Errors.SYNTAX);
            return;
          }
        }
      }
    }
    long killed = 0;
    for (Session c : s.server.sessions()) {
      if (addr != null && !addr.equals(address(c.channel.remoteAddress()))
          || laddr != null && !laddr.equals(address(c.channel.localAddress()))
          || type != null && !type.equals(c.subscriptions.count() > 0 ? "pubsub" : "normal")
          || id != 0 && c.id != id || user != null && !user.equals(c.user) || c == s && skipme) {
        continue;
      }
      killed++;
      if (c == s) {
        s.closeAfterReply = true;
      } else {
        c.channel.close();
      }
    }
    if (oldStyle) {
      if (killed == 0) {
        s.error("ERR No such client");
      } else {
        Reply.ok(s.out());
      }
    } else {
      Reply.integer(s.out(), killed);
    }
  }

  static void tracking(Session s, byte[][] a) {
    long redirect = 0;
    boolean bcast = false;
    boolean optin = false;
    boolean optout = false;
    boolean noloop = false;
    List<byte[]> prefixes = new ArrayList<>();
    for (int j = 3; j < a.length; j++) {
      String opt = Session.latin1(a[j]).toLowerCase(Locale.ROOT);
      boolean more = j + 1 < a.length;
      if (opt.equals("redirect") && more) {
        j++;
        if (redirect != 0) {
          s.error("ERR A client can only redirect to a single other client");
          return;
        }
        try {
          redirect = Numbers.parseLong(a[j]);
        } catch (Numbers.NotANumber e) {
          s.error(Errors.NOT_INTEGER);
          return;
        }
        if (s.server.client(redirect) == null) {
          s.error("ERR The client ID you want redirect to does not exist");
          return;
        }
      } else if (opt.equals("bcast")) {
        bcast = true;
      } else if (opt.equals("optin")) {
        optin = true;
      } else if (opt.equals("optout")) {
        optout = true;
      } else if (opt.equals("noloop")) {
        noloop = true;
      } else if (opt.equals("prefix") && more) {
        prefixes.add(a[++j]);
      } else {
        s.error(Errors.SYNTAX);
        return;
      }
    }
    String onOff = Session.latin1(a[2]).toLowerCase(Locale.ROOT);
    TrackingState t = s.tracking;
    if (onOff.equals("on")) {
      if (!bcast && !prefixes.isEmpty()) {
        s.error("ERR PREFIX option requires BCAST mode to be enabled");
        return;
      }
      if (t.enabled && t.bcast != bcast) {
        s.error("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then "
            + "re-enabling it with a different mode.");
        return;
      }
      if (bcast && (optin || optout)) {
        s.error("ERR OPTIN and OPTOUT are not compatible with BCAST");
        return;
      }
      if (optin && optout) {
        s.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
        return;
      }
      if (optin && t.optout || optout && t.optin) {
        s.error("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then "
            + "re-enabling it with a different mode.");
        return;
      }
      if (bcast && !prefixesOk(s, prefixes)) {
        return;
      }
      List<byte[]> all = new ArrayList<>(t.bcast ? t.prefixes : List.of());
      all.addAll(prefixes);
      s.server.tracking.enable(s, bcast, optin, optout, noloop, redirect, all);
    } else if (onOff.equals("off")) {
      s.server.tracking.disable(s);
    } else {
      s.error(Errors.SYNTAX);
      return;
    }
    Reply.ok(s.out());
  }

  /** Redis refuses prefixes that overlap (one a prefix of another), among the new ones and with the client's. */
  private static boolean prefixesOk(Session s, List<byte[]> prefixes) {
    for (int i = 0; i < prefixes.size(); i++) {
      byte[] p = prefixes.get(i);
      for (byte[] old : s.tracking.prefixes) {
        if (overlap(old, p)) {
          s.error("ERR Prefix '" + Session.latin1(p) + "' overlaps with an existing prefix '" + Session.latin1(old)
              + "'. Prefixes for a single client must not overlap.");
          return false;
        }
      }
      for (int j = i + 1; j < prefixes.size(); j++) {
        if (overlap(p, prefixes.get(j))) {
          s.error("ERR Prefix '" + Session.latin1(p) + "' overlaps with another provided prefix '"
              + Session.latin1(prefixes.get(j)) + "'. Prefixes for a single client must not overlap.");
          return false;
        }
      }
    }
    return true;
  }

  private static boolean overlap(byte[] x, byte[] y) {
    int n = Math.min(x.length, y.length);
    return java.util.Arrays.equals(x, 0, n, y, 0, n);
  }

  static void caching(Session s, byte[][] a) {
    TrackingState t = s.tracking;
    if (!t.enabled) {
      s.error("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode "
          + "enabled");
      return;
    }
    String opt = Session.latin1(a[2]).toLowerCase(Locale.ROOT);
    if (opt.equals("yes")) {
      if (!t.optin) {
        s.error("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
        return;
      }
    } else if (opt.equals("no")) {
      if (!t.optout) {
        s.error("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
        return;
      }
    } else {
      s.error(Errors.SYNTAX);
      return;
    }
    t.cachingGiven = true;
    Reply.ok(s.out());
  }

  static void getredir(Session s, byte[][] a) {
    Reply.integer(s.out(), s.tracking.enabled ? s.tracking.redirect : -1);
  }

  static void trackinginfo(Session s, byte[][] a) {
    TrackingState t = s.tracking;
    ByteBuf b = s.out();
    Reply.map(b, s.proto, 3);
    Reply.bulk(b, "flags");
    List<String> flags = new ArrayList<>();
    flags.add(t.enabled ? "on" : "off");
    if (t.bcast) {
      flags.add("bcast");
    }
    if (t.optin) {
      flags.add("optin");
      if (t.cachingGiven) {
        flags.add("caching-yes");
      }
    }
    if (t.optout) {
      flags.add("optout");
      if (t.cachingGiven) {
        flags.add("caching-no");
      }
    }
    if (t.noloop) {
      flags.add("noloop");
    }
    if (t.enabled && t.redirect != 0 && s.server.client(t.redirect) == null) {
      flags.add("broken_redirect");
    }
    Reply.set(b, s.proto, flags.size());
    for (String f : flags) {
      Reply.bulk(b, f);
    }
    Reply.bulk(b, "redirect");
    Reply.integer(b, t.enabled ? (t.redirect != 0 ? t.redirect : 0) : -1);
    Reply.bulk(b, "prefixes");
    Reply.array(b, t.prefixes.size());
    for (byte[] p : t.prefixes) {
      Reply.bulk(b, p);
    }
  }

  static void noEvict(Session s, byte[][] a) {
    Boolean on = onOff(s, a[2]);
    if (on != null) {
      s.noEvict = on;
      Reply.ok(s.out());
    }
  }

  static void noTouch(Session s, byte[][] a) {
    Boolean on = onOff(s, a[2]);
    if (on != null) {
      s.noTouch = on;
      Reply.ok(s.out());
    }
  }

  private static Boolean onOff(Session s, byte[] arg) {
    String v = Session.latin1(arg).toLowerCase(Locale.ROOT);
    if (v.equals("on")) {
      return true;
    }
    if (v.equals("off")) {
      return false;
    }
    s.error(Errors.SYNTAX);
    return null;
  }

  static void help(Session s, byte[][] a) {
    Help.reply(s, "CLIENT", List.of(
        "CACHING (YES|NO)", "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR", "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME", "    Return the name of the current connection.",
        "ID", "    Return the ID of the current connection.",
        "INFO", "    Return information about the current client connection.",
        "KILL <ip:port>", "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]", "    Kill connections. Options are: ID, TYPE, USER, ADDR,"
            + " LADDR, SKIPME.",
        "LIST [options ...]", "    Return information about client connections. Options: TYPE, ID.",
        "NO-EVICT (ON|OFF)", "    Protect current client connection from eviction.",
        "NO-TOUCH (ON|OFF)", "    Will not touch LRU/LFU stats when this mode is on.",
        "SETNAME <name>", "    Assign the name <name> to the current connection.",
        "SETINFO <option> <value>", "    Set client meta attr. Options are: LIB-NAME, LIB-VER.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]] [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO", "    Report tracking status for the current connection."));
  }
}
