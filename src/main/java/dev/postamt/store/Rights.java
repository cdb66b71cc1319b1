package dev.postamt.store;

import java.util.Locale;

/**
 * A set of RFC 4314 access rights (§2.1): {@code l} lookup, {@code r} read, {@code s} keep \Seen,
 * {@code w} write other flags, {@code i} insert, {@code p} post, {@code k} create mailboxes, {@code x}
 * delete the mailbox, {@code t} delete messages (\Deleted), {@code e} expunge, {@code a} administer,
 * {@code n} write shared annotations. Kept in that canonical order.
 *
 * <p>The obsolete RFC 2086 rights (RFC 4314 §2.1.1) are read as their groups under {@code RIGHTS=texk}:
 * {@code c} as {@code k}, {@code d} as {@code xte}; {@link #wire} adds {@code c} when {@code k} is
 * there and {@code d} when any of {@code x t e} is, so that old clients see what they can do.
 *
 * @param letters the rights held, canonical order, no obsolete letters
 */
public record Rights(String letters) {
  /** Every right, in canonical order (RFC 4314 §2.1). */
  public static final String ORDER = "lrswipkxtean";
  public static final Rights ALL = new Rights(ORDER);
  public static final Rights NONE = new Rights("");

  public Rights {
    for (char ch : letters.toCharArray()) {
      if (ORDER.indexOf(ch) < 0) {
        throw new IllegalArgumentException("not a canonical right: " + ch);
      }
    }
  }

  /**
   * Parses a rights string as clients send it (RFC 4314 §3.1, without the {@code +}/{@code -} modifier);
   * letters in any order and case, {@code c}/{@code d} mapped to their groups, digits (site-defined
   * rights) ignored. Unknown letters throw.
   */
  public static Rights parse(String text) {
    boolean[] has = new boolean[ORDER.length()];
    for (char ch : text.toLowerCase(Locale.ROOT).toCharArray()) {
      if (ch >= '0' && ch <= '9') {
        continue; // RFC 4314 §2.1: rights 0-9 are the site's; this server defines none
      }
      String group = switch (ch) {
        case 'c' -> "k";
        case 'd' -> "xte";
        default -> String.valueOf(ch);
      };
      for (char g : group.toCharArray()) {
        int i = ORDER.indexOf(g);
        if (i < 0) {
          throw new IllegalArgumentException("unknown right '" + ch + "' (RFC 4314 rights are " + ORDER + ")");
        }
        has[i] = true;
      }
    }
    return of(has);
  }

  private static Rights of(boolean[] has) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < has.length; i++) {
      if (has[i]) {
        b.append(ORDER.charAt(i));
      }
    }
    return new Rights(b.toString());
  }

  public boolean has(char right) {
    return letters.indexOf(right) >= 0;
  }

  /** Whether every right of {@code other} is here. */
  public boolean containsAll(Rights other) {
    return other.letters.chars().allMatch(ch -> letters.indexOf(ch) >= 0);
  }

  public boolean isEmpty() {
    return letters.isEmpty();
  }

  public Rights plus(Rights other) {
    return parse(letters + other.letters);
  }

  public Rights minus(Rights other) {
    StringBuilder b = new StringBuilder();
    for (char ch : letters.toCharArray()) {
      if (!other.has(ch)) {
        b.append(ch);
      }
    }
    return new Rights(b.toString());
  }

  /** The rights as IMAP reports them: canonical letters plus the obsolete {@code c} and {@code d}. */
  public String wire() {
    String out = letters;
    if (has('k')) {
      out += "c";
    }
    if (has('x') || has('t') || has('e')) {
      out += "d";
    }
    return out;
  }

  @Override
  public String toString() {
    return letters;
  }
}
