package io.cairn.server;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** The reply of a container command's HELP subcommand, laid out as Redis lays it out. */
final class Help {
  private Help() {}

  static void reply(Session s, String container, List<String> lines) {
    ByteBuf b = s.out();
    Reply.array(b, lines.size() + 3);
    Reply.simple(b, container + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    for (String l : lines) {
      Reply.simple(b, l);
    }
    Reply.simple(b, "HELP");
    Reply.simple(b, "    Print this help.");
  }
}
