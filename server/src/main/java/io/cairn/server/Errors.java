package io.cairn.server;

/** Redis's error replies, spelled exactly as Redis 7 spells them (clients match on these strings). */
final class Errors {
  private Errors() {}

  static final String SYNTAX = "ERR syntax error";
  static final String NOT_INTEGER = "ERR value is not an integer or out of range";
  static final String NOT_FLOAT = "ERR value is not a valid float";
  static final String NO_SUCH_KEY = "ERR no such key";
  static final String DB_RANGE = "ERR DB index is out of range";
  static final String SAME_OBJECT = "ERR source and destination objects are the same";
  static final String NOAUTH = "NOAUTH Authentication required.";
  static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
  static final String EXECABORT = "EXECABORT Transaction discarded because of previous errors.";
  static final String OVERFLOW = "ERR increment or decrement would overflow";
  static final String MAX_BULK = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";
  static final String OFFSET_RANGE = "ERR offset is out of range";
  static final String INVALID_CURSOR = "ERR invalid cursor";

  static String arity(String fullName) {
    return "ERR wrong number of arguments for '" + fullName + "' command";
  }

  static String expireTime(String fullName) {
    return "ERR invalid expire time in '" + fullName + "' command";
  }

  /** Redis's reply to a command it does not know: the name and up to 128 characters of the arguments. */
  static String unknownCommand(byte[][] argv) {
    StringBuilder args = new StringBuilder();
    for (int i = 1; i < argv.length && args.length() < 128; i++) {
      String a = Session.cstr(argv[i]);
      int room = 128 - args.length();
      args.append('\'').append(a, 0, Math.min(a.length(), room)).append("' ");
    }
    String name = Session.cstr(argv[0]);
    return "ERR unknown command '" + name.substring(0, Math.min(128, name.length())) + "', with args beginning with: "
        + args;
  }

  static String unknownSubcommand(byte[] sub, String container) {
    String s = Session.cstr(sub);
    return "ERR unknown subcommand '" + s.substring(0, Math.min(128, s.length())) + "'. Try " + container
        + " HELP.";
  }

  /**
   * The reply for a failure the cache reported: a bidirectional database refusing a value another key holds, a closed
   * or failing disk tier. The message names what went wrong.
   */
  static String of(RuntimeException e) {
    Throwable t = e;
    while ((t instanceof javax.cache.processor.EntryProcessorException || t instanceof javax.cache.CacheException)
        && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return m.startsWith("ERR ") ? m : "ERR " + m;
  }
}
