package dev.postamt.filter.uri;

import dev.postamt.filter.ScannedMessage;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The URIs of a message: links of the HTML parts and URLs written in the text, in order, each once.
 * Computed once per message ({@link ScannedMessage#derived}); the {@code uri} rules, the URI DNS lists
 * and Bayes read the same list.
 */
public final class Uris {
  private static final Pattern IN_TEXT =
      Pattern.compile("(?i)\\b(?:(?:https?|ftp)://|www\\.)[^\\s<>\"'()\\[\\]{}]+");

  private Uris() {}

  /** Every URI of the message. */
  public static List<String> of(ScannedMessage m) {
    return m.derived("uris", () -> extract(m));
  }

  private static List<String> extract(ScannedMessage m) {
    Set<String> out = new LinkedHashSet<>();
    for (ScannedMessage.HtmlLink l : m.htmlLinks()) {
      if (!l.url().isEmpty()) {
        out.add(l.url());
      }
    }
    for (ScannedMessage.TextPart t : m.textParts()) {
      Matcher u = IN_TEXT.matcher(t.text());
      while (u.find()) {
        String s = u.group().replaceAll("[.,;:!?]+$", "");
        out.add(s.regionMatches(true, 0, "www.", 0, 4) ? "http://" + s : s);
      }
    }
    return List.copyOf(out);
  }
}
