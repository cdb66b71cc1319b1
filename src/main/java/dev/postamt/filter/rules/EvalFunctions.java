package dev.postamt.filter.rules;

import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code eval:} functions of SpamAssassin's plugins that we run ourselves, each cheap because the
 * {@link ScannedMessage} already holds what it needs; and the classification of the others, so that
 * the load report says why a rule was skipped: a network test (DNS lists, Razor, Pyzor, DCC: other
 * checks or none), a symbol another of our checks adds itself (Bayes, SPF, DKIM, DMARC, the white- and
 * blacklists), or a function not implemented here.
 */
final class EvalFunctions {
  /** A runnable eval rule. */
  @FunctionalInterface
  interface Eval {
    boolean test(ScanInput in);
  }

  /** Why an eval rule is not run. */
  enum Skip {
    NETWORK("network test"),
    OTHER_CHECK("provided by another check"),
    NOT_IMPLEMENTED("eval function not implemented");

    final String reason;

    Skip(String reason) {
      this.reason = reason;
    }
  }

  private static final Pattern CALL = Pattern.compile("^\\s*(\\w+)\\s*\\((.*)\\)\\s*$", Pattern.DOTALL);

  private EvalFunctions() {}

  /** The function name of {@code eval:NAME(args)} text (after {@code eval:}), or null when malformed. */
  static String name(String call) {
    Matcher m = CALL.matcher(call);
    return m.matches() ? m.group(1) : null;
  }

  /** Why a function we do not run is skipped. */
  static Skip classify(String fn) {
    String f = fn.toLowerCase(Locale.ROOT);
    if (f.startsWith("check_rbl") || f.startsWith("check_dns") || f.contains("razor") || f.contains("pyzor")
        || f.contains("dcc") || f.startsWith("check_uridnsbl") || f.startsWith("check_hashbl")
        || f.startsWith("askdns") || f.equals("check_senders_reputation") || f.startsWith("check_asn")) {
      return Skip.NETWORK;
    }
    if (f.equals("check_bayes") || f.contains("dkim") || f.contains("spf") || f.contains("dmarc")
        || f.contains("whitelist") || f.contains("welcomelist") || f.contains("blacklist")
        || f.contains("blocklist") || f.equals("check_to_in_all_spam") || f.equals("check_to_in_more_spam")
        || f.startsWith("check_arc")) {
      return Skip.OTHER_CHECK;
    }
    return Skip.NOT_IMPLEMENTED;
  }

  /** The function for {@code call} ({@code name(args)}), or null when we do not run it. */
  static Eval create(String call) {
    Matcher m = CALL.matcher(call);
    if (!m.matches()) {
      return null;
    }
    String fn = m.group(1);
    List<String> args = args(m.group(2));
    try {
      return switch (fn) {
        case "check_for_missing_to_header" -> in -> in.message().header("To").isEmpty()
            && in.message().header("Apparently-To").isEmpty();
        case "check_for_mime_html" -> in -> htmlParts(in.message()) > 0;
        case "check_for_mime_html_only" -> in -> htmlParts(in.message()) > 0
            && htmlParts(in.message()) == in.message().textParts().size();
        case "html_test" -> args.size() == 1 && args.getFirst().equals("html_message")
            ? in -> htmlParts(in.message()) > 0 : null;
        case "subject_is_all_caps" -> in -> allCaps(in.message().first("Subject"));
        case "check_header_count_range" -> {
          String name = args.get(0);
          int min = Integer.parseInt(args.get(1));
          int max = Integer.parseInt(args.get(2));
          yield in -> {
            int n = in.message().headers().count(name);
            return n >= min && n <= max;
          };
        }
        case "check_body_length" -> {
          int max = Integer.parseInt(args.getFirst());
          yield in -> bodyLength(in.message()) < max;
        }
        case "html_image_only" -> {
          int min = Integer.parseInt(args.get(0));
          int max = Integer.parseInt(args.get(1));
          yield in -> {
            int text = htmlTextLength(in.message());
            return text >= min && text < max && images(in.message()) > 0;
          };
        }
        case "check_anchor_domain_mismatch" -> EvalFunctions::anchorMismatch;
        case "check_for_shifted_date" -> {
          Double min = args.get(0).equals("undef") ? null : Double.parseDouble(args.get(0));
          Double max = args.get(1).equals("undef") ? null : Double.parseDouble(args.get(1));
          yield in -> {
            Double h = dateShiftHours(in);
            return h != null && (min == null || min <= h) && (max == null || h < max);
          };
        }
        case "html_tag_exists" -> {
          Pattern tag = Pattern.compile("<" + Pattern.quote(args.getFirst()) + "\\b", Pattern.CASE_INSENSITIVE);
          yield in -> {
            for (ScannedMessage.TextPart t : in.message().textParts()) {
              if (t.html() != null && tag.matcher(t.html()).find()) {
                return true;
              }
            }
            return false;
          };
        }
        case "check_for_missing_subject" -> in -> in.message().header("Subject").isEmpty();
        default -> null;
      };
    } catch (RuntimeException e) {
      return null; // arguments we do not understand
    }
  }

  /**
   * Hours by which the Date field is ahead of (positive) or behind (negative) the time the message
   * arrived: the date of the topmost Received field (RFC 5321 §4.4: {@code ; date-time} at its end),
   * else the scan's arrival time. Null when the Date cannot be read.
   */
  static Double dateShiftHours(ScanInput in) {
    java.time.ZonedDateTime date = dev.postamt.mime.HeaderText.parseDate(in.message().first("Date"));
    if (date == null) {
      return null;
    }
    java.time.Instant arrived = in.received();
    List<String> received = in.message().header("Received");
    if (!received.isEmpty()) {
      String top = received.getFirst();
      int semi = top.lastIndexOf(';');
      java.time.ZonedDateTime r = semi < 0 ? null : dev.postamt.mime.HeaderText.parseDate(top.substring(semi + 1));
      if (r != null) {
        arrived = r.toInstant();
      }
    }
    return (date.toInstant().getEpochSecond() - arrived.getEpochSecond()) / 3600.0;
  }

  private static List<String> args(String s) {
    List<String> out = new ArrayList<>();
    for (String a : s.split(",")) {
      String t = a.strip();
      if (t.length() >= 2 && (t.startsWith("'") && t.endsWith("'") || t.startsWith("\"") && t.endsWith("\""))) {
        t = t.substring(1, t.length() - 1);
      }
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  static int htmlParts(ScannedMessage m) {
    int n = 0;
    for (ScannedMessage.TextPart t : m.textParts()) {
      if (t.html() != null) {
        n++;
      }
    }
    return n;
  }

  static int images(ScannedMessage m) {
    int n = 0;
    for (ScannedMessage.HtmlLink l : m.htmlLinks()) {
      if (l.tag().equals("img")) {
        n++;
      }
    }
    return n;
  }

  /** Non-blank characters of the rendered HTML parts. */
  static int htmlTextLength(ScannedMessage m) {
    int n = 0;
    for (ScannedMessage.TextPart t : m.textParts()) {
      if (t.html() != null) {
        for (int i = 0; i < t.text().length(); i++) {
          if (!Character.isWhitespace(t.text().charAt(i))) {
            n++;
          }
        }
      }
    }
    return n;
  }

  private static int bodyLength(ScannedMessage m) {
    int n = 0;
    for (ScannedMessage.TextPart t : m.textParts()) {
      n += t.text().length();
    }
    return n;
  }

  private static final Pattern URL_TEXT = Pattern.compile(
      "^(?:https?://)?((?:[a-z0-9-]+\\.)+[a-z]{2,})(?::\\d+)?(?:[/?#]\\S*)?$", Pattern.CASE_INSENSITIVE);
  private static final Pattern HREF_HOST = Pattern.compile(
      "^https?://(?:[^/?#@]*@)?([a-z0-9.-]+)", Pattern.CASE_INSENSITIVE);

  /**
   * Our own: an anchor whose visible text is a URL or domain name (the reader believes it) while its
   * target is on another registered domain (what it really opens).
   */
  static boolean anchorMismatch(ScanInput in) {
    for (ScannedMessage.HtmlLink l : in.message().htmlLinks()) {
      if (!l.tag().equals("a")) {
        continue;
      }
      Matcher t = URL_TEXT.matcher(l.text().strip());
      Matcher h = HREF_HOST.matcher(l.url());
      if (t.matches() && h.find() && t.group(1).contains(".") && !t.group(1).matches("[0-9.]+")) {
        String shown = registered(t.group(1));
        String target = registered(h.group(1));
        if (!shown.isEmpty() && !target.isEmpty() && !shown.equals(target)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The registered domain, roughly: the last two labels, three under a two-letter country's short label. */
  static String registered(String host) {
    String[] labels = host.toLowerCase(Locale.ROOT).replaceAll("\\.$", "").split("\\.");
    int n = labels.length;
    if (n < 2) {
      return "";
    }
    boolean cc = labels[n - 1].length() == 2 && labels[n - 2].length() <= 3 && n >= 3;
    return cc ? labels[n - 3] + "." + labels[n - 2] + "." + labels[n - 1] : labels[n - 2] + "." + labels[n - 1];
  }

  /** SpamAssassin's test: letters present, at least two words, none in lower case. */
  static boolean allCaps(String subject) {
    int upper = 0;
    for (int i = 0; i < subject.length(); i++) {
      char c = subject.charAt(i);
      if (Character.isLowerCase(c)) {
        return false;
      }
      if (Character.isUpperCase(c)) {
        upper++;
      }
    }
    return upper >= 10 && subject.strip().split("\\s+").length >= 2;
  }
}
