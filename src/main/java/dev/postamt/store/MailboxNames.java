package dev.postamt.store;

import java.nio.charset.StandardCharsets;

/**
 * The store's rules for mailbox names, the same for every backend: {@code /} separates hierarchy
 * levels, {@code INBOX} is case-insensitive (RFC 3501 §5.1), no level is empty, {@code .} or {@code ..}, and a name a client may create stays
 * within {@link #MAX_LEVELS} levels, {@link #MAX_LEVEL_BYTES} bytes per level and {@link
 * #MAX_NAME_BYTES} bytes in all (UTF-8). A backend may be tighter still (the Maildir++ layout puts the
 * whole name into one directory name; see {@link MaildirBlobStore#checkName}), and says so with
 * {@link StoreException.Kind#LIMIT}.
 */
public final class MailboxNames {
  public static final String INBOX = "INBOX";
  public static final char SEPARATOR = '/';
  /** Hierarchy depth; Dovecot's default {@code mailbox_list_max_depth}-like bound, deep enough for people. */
  public static final int MAX_LEVELS = 16;
  /** One level, in UTF-8: what a file system's NAME_MAX allows for a directory. */
  public static final int MAX_LEVEL_BYTES = 255;
  /** The whole name, in UTF-8. */
  public static final int MAX_NAME_BYTES = 1024;

  private static final String SEP = String.valueOf(SEPARATOR);

  private MailboxNames() {}

  /** INBOX in any case (also as the first level) becomes {@code INBOX}; every other name is taken as given. */
  public static String normalize(String name) {
    if (name.equalsIgnoreCase(INBOX)) {
      return INBOX;
    }
    if (name.length() > 6 && name.substring(0, 6).equalsIgnoreCase(INBOX + SEPARATOR)) {
      return INBOX + name.substring(5);
    }
    return name;
  }

  public static boolean isInbox(String name) {
    return normalize(name).equals(INBOX);
  }

  /** Whether {@code name} lies below {@code parent} in the hierarchy. */
  public static boolean isBelow(String name, String parent) {
    return name.startsWith(parent + SEPARATOR);
  }

  /**
   * Checks a (normalized) name a client wants to create or rename to. Bad characters, empty levels and
   * the levels {@code .} and {@code ..} are {@link StoreException.Kind#CANNOT}; names beyond the limits {@link StoreException.Kind#LIMIT}.
   */
  public static void validate(String n) {
    if (n.isEmpty() || n.startsWith(SEP) || n.endsWith(SEP) || n.contains(SEP + SEP)) {
      throw new StoreException(StoreException.Kind.CANNOT, "Invalid mailbox name: empty hierarchy level");
    }
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '*' || c == '%') {
        throw new StoreException(StoreException.Kind.CANNOT, "Invalid mailbox name: contains a control or wildcard character");
      }
      if (Character.isSurrogate(c)) {
        boolean paired = Character.isHighSurrogate(c) && i + 1 < n.length() && Character.isLowSurrogate(n.charAt(i + 1));
        if (!paired) {
          throw new StoreException(StoreException.Kind.CANNOT, "Invalid mailbox name: not valid Unicode");
        }
        i++;
      }
    }
    if (n.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw new StoreException(StoreException.Kind.LIMIT, "Mailbox name too long (at most " + MAX_NAME_BYTES + " bytes)");
    }
    String[] levels = n.split(SEP, -1);
    for (String level : levels) {
      // mbsync (isync) refuses to sync an account with such a folder, and on a file system they mean
      // "this directory" and "the parent".
      if (level.equals(".") || level.equals("..")) {
        throw new StoreException(StoreException.Kind.CANNOT,
            "Invalid mailbox name: \"" + level + "\" may not be a hierarchy level");
      }
    }
    if (levels.length > MAX_LEVELS) {
      throw new StoreException(StoreException.Kind.LIMIT, "Mailbox hierarchy too deep (at most " + MAX_LEVELS + " levels)");
    }
    for (String level : levels) {
      if (level.getBytes(StandardCharsets.UTF_8).length > MAX_LEVEL_BYTES) {
        throw new StoreException(StoreException.Kind.LIMIT,
            "Mailbox name too long (at most " + MAX_LEVEL_BYTES + " bytes per level)");
      }
    }
  }
}
