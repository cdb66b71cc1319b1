package dev.postamt.mime;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of an RFC 5322 address list in the shape IMAP's ENVELOPE wants (RFC 3501 §7.4.2): a
 * mailbox, or a group start ({@code host == null}, {@code mailbox} = group name) or group end (all null).
 * Texts stay raw (encoded words are not decoded) as IMAP requires.
 */
public record Address(String name, String adl, String mailbox, String host) {

  public boolean isGroupStart() {
    return host == null && mailbox != null;
  }

  public boolean isGroupEnd() {
    return host == null && mailbox == null;
  }

  /** {@code mailbox@host}, or the mailbox alone for a group marker. */
  public String email() {
    return host == null ? mailbox : mailbox + "@" + host;
  }

  /** Parses an address list leniently; never fails. */
  public static List<Address> parseList(String s) {
    List<Address> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    int i = 0;
    int n = s.length();
    boolean inGroup = false;
    while (i < n) {
      StringBuilder phrase = new StringBuilder();
      String comment = null;
      char stop = 0;
      // Collect up to a top-level , ; : or <
      while (i < n) {
        char c = s.charAt(i);
        if (c == '"') {
          int j = i + 1;
          while (j < n && s.charAt(j) != '"') {
            j += s.charAt(j) == '\\' ? 2 : 1;
          }
          phrase.append(s, i, Math.min(j + 1, n));
          i = j + 1;
          continue;
        }
        if (c == '(') {
          int depth = 0;
          int j = i;
          for (; j < n; j++) {
            char d = s.charAt(j);
            if (d == '\\') {
              j++;
            } else if (d == '(') {
              depth++;
            } else if (d == ')' && --depth == 0) {
              break;
            }
          }
          comment = s.substring(i + 1, Math.min(j, n));
          phrase.append(' ');
          i = j + 1;
          continue;
        }
        if (c == ',' || c == ';' || c == '<' || (c == ':' && !inGroup)) {
          stop = c;
          break;
        }
        phrase.append(c);
        i++;
      }
      String text = phrase.toString().strip();
      if (stop == ':') {
        out.add(new Address(null, null, words(text), null));
        inGroup = true;
        i++;
        continue;
      }
      if (stop == '<') {
        int close = s.indexOf('>', i);
        String route = stripComments(s.substring(i + 1, close < 0 ? n : close));
        i = close < 0 ? n : close + 1;
        String adl = null;
        int colon = route.indexOf(':');
        if (route.startsWith("@") && colon > 0) {
          adl = route.substring(0, colon);
          route = route.substring(colon + 1);
        }
        out.add(spec(text.isEmpty() ? null : words(text), adl, route));
        // Skip junk up to the next separator.
        while (i < n && s.charAt(i) != ',' && s.charAt(i) != ';') {
          i++;
        }
        if (i < n) {
          stop = s.charAt(i);
        } else {
          stop = 0;
        }
      } else if (!text.isEmpty()) {
        // addr-spec form; a trailing comment is the conventional display name ("a@b (Name)")
        String name = comment == null ? null : words(comment);
        out.add(spec(name == null || name.isEmpty() ? null : name, null, text.replace(" ", "")));
      }
      if (stop == ';' && inGroup) {
        out.add(new Address(null, null, null, null));
        inGroup = false;
      }
      i++;
    }
    if (inGroup) {
      out.add(new Address(null, null, null, null));
    }
    return out;
  }

  /** Drops RFC 5322 comments and white space outside quoted strings, as inside an angle-addr. */
  private static String stripComments(String s) {
    StringBuilder b = new StringBuilder();
    int depth = 0;
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        if (depth == 0) {
          b.append(c).append(s.charAt(i + 1));
        }
        i++;
      } else if (quoted) {
        b.append(c);
        quoted = c != '"';
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
      } else if (depth == 0 && c == '"') {
        b.append(c);
        quoted = true;
      } else if (depth == 0 && !Character.isWhitespace(c)) {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static Address spec(String name, String adl, String addr) {
    int at = addr.lastIndexOf('@');
    String local = at < 0 ? addr : addr.substring(0, at);
    String host = at < 0 ? "" : addr.substring(at + 1);
    if (local.startsWith("\"") && local.endsWith("\"") && local.length() >= 2) {
      local = HeaderText.unquote(local);
    }
    return new Address(name, adl, local, host);
  }

  /** A display-name phrase: quoted strings unquoted, runs of white space collapsed. */
  private static String words(String phrase) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < phrase.length()) {
      char c = phrase.charAt(i);
      if (c == '"') {
        int j = i + 1;
        while (j < phrase.length() && phrase.charAt(j) != '"') {
          if (phrase.charAt(j) == '\\' && j + 1 < phrase.length()) {
            j++;
          }
          b.append(phrase.charAt(j));
          j++;
        }
        i = j + 1;
      } else {
        b.append(c);
        i++;
      }
    }
    return b.toString().replaceAll("\\s+", " ").strip();
  }
}
