package dev.postamt.store;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Message flags. System flags are case-insensitive and kept in canonical spelling; keywords are atoms
 * kept as first given (RFC 3501 §2.3.2) and compared case-insensitively, as Dovecot does.
 */
public final class Flags {
  private Flags() {}

  public static final String SEEN = "\\Seen";
  public static final String ANSWERED = "\\Answered";
  public static final String FLAGGED = "\\Flagged";
  public static final String DELETED = "\\Deleted";
  public static final String DRAFT = "\\Draft";
  public static final String RECENT = "\\Recent";

  /** The system flags a client may set, in the order IMAP servers usually list them. */
  public static final Set<String> SYSTEM = Set.of(ANSWERED, FLAGGED, DELETED, SEEN, DRAFT);

  /** Canonical spelling of a system flag, or the keyword unchanged. */
  public static String canonical(String flag) {
    if (flag.startsWith("\\")) {
      for (String s : SYSTEM) {
        if (s.equalsIgnoreCase(flag)) {
          return s;
        }
      }
      if (RECENT.equalsIgnoreCase(flag)) {
        return RECENT;
      }
    }
    return flag;
  }

  public static Set<String> of(Collection<String> flags) {
    TreeSet<String> out = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (String f : flags) {
      String c = canonical(f);
      if (!c.equals(RECENT)) {
        out.add(c);
      }
    }
    return out;
  }

  public static boolean contains(Set<String> flags, String flag) {
    for (String f : flags) {
      if (f.equalsIgnoreCase(flag)) {
        return true;
      }
    }
    return false;
  }

  static String encode(Set<String> flags) {
    return String.join(" ", flags);
  }

  static Set<String> decode(String s) {
    TreeSet<String> out = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    if (s != null && !s.isBlank()) {
      // As split(" +") of the trimmed text, without compiling that pattern for each of a mailbox's rows.
      String t = s.trim();
      for (int i = 0; i < t.length(); ) {
        int j = t.indexOf(' ', i);
        j = j < 0 ? t.length() : j;
        if (j > i) {
          out.add(t.substring(i, j));
        }
        i = j + 1;
      }
    }
    return out;
  }

  /** The MaildirFolders info suffix letters for the system flags (D, F, R, S, T), sorted as the spec asks. */
  static String maildirLetters(Set<String> flags) {
    StringBuilder b = new StringBuilder();
    if (contains(flags, DRAFT)) b.append('D');
    if (contains(flags, FLAGGED)) b.append('F');
    if (contains(flags, ANSWERED)) b.append('R');
    if (contains(flags, SEEN)) b.append('S');
    if (contains(flags, DELETED)) b.append('T');
    return b.toString();
  }

  static Set<String> fromMaildirLetters(String letters) {
    TreeSet<String> out = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (char c : letters.toCharArray()) {
      switch (c) {
        case 'D' -> out.add(DRAFT);
        case 'F' -> out.add(FLAGGED);
        case 'R' -> out.add(ANSWERED);
        case 'S' -> out.add(SEEN);
        case 'T' -> out.add(DELETED);
        default -> {}
      }
    }
    return out;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
