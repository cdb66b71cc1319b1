package dev.postamt.sieve.ext;

import static dev.postamt.sieve.Definitions.command;

import dev.postamt.sieve.AddressParts;
import dev.postamt.sieve.Checker;
import dev.postamt.sieve.CompiledNode;
import dev.postamt.sieve.Definitions;
import dev.postamt.sieve.Execution;
import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveExtension;
import dev.postamt.sieve.SieveRuntimeException;
import dev.postamt.sieve.Signature;
import dev.postamt.sieve.Signature.TagSpec;
import dev.postamt.sieve.Signature.Type;
import dev.postamt.sieve.Template;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * RFC 5230 "vacation" and RFC 6131 "vacation-seconds". The interpreter decides whether a reply is due
 * (§4: not to the null sender, not to automatic or list mail, not when the user is not a recipient, not
 * twice to the same sender within the period); the action carries what delivery needs to send it.
 */
public final class Vacation {
  private Vacation() {}

  static final Duration DEFAULT_PERIOD = Duration.ofDays(7);
  static final Duration MIN_PERIOD = Duration.ofDays(1);
  static final Duration MAX_PERIOD = Duration.ofDays(90);

  public static List<SieveExtension> extensions() {
    Signature sig = Signature.builder()
        .tag(new TagSpec("days", Type.NUMBER, "period", null))
        .tag(new TagSpec("seconds", Type.NUMBER, "period", "vacation-seconds"))
        .tag(TagSpec.withParameter("subject", Type.STRING, null))
        .tag(TagSpec.withParameter("from", Type.STRING, null))
        .tag(TagSpec.withParameter("addresses", Type.STRING_LIST, null))
        .tag(TagSpec.flag("mime")).tag(TagSpec.withParameter("handle", Type.STRING, null))
        .arg(Type.STRING, "reason").build();
    SieveExtension vacation = SieveExtension.of("vacation", command("vacation", sig, Vacation::check, Vacation::execute));
    SieveExtension seconds = SieveExtension.implying("vacation-seconds", "vacation");
    return List.of(vacation, seconds);
  }

  static void check(Checker c, CompiledNode n) {
    if (n.has("from") && n.tagString("from").isConstant() && !Core.validAddress(n.tagString("from").text())) {
      c.error(n.tagAt("from"), "specified :from address '" + n.tagString("from").text() + "' is invalid for vacation action");
    }
    if (n.has("addresses")) {
      for (Template t : n.tagStrings("addresses")) {
        if (t.isConstant() && !Core.validAddress(t.text())) {
          c.error(n.tagAt("addresses"), "specified :addresses item '" + t.text() + "' is invalid for vacation action");
        }
      }
    }
  }

  static Duration period(CompiledNode n) {
    Duration d = n.has("seconds") ? Duration.ofSeconds(n.tagNumber("seconds", 0))
        : n.has("days") ? Duration.ofDays(Math.min(n.tagNumber("days", 7), 36500)) : DEFAULT_PERIOD;
    if (!n.has("seconds") && d.compareTo(MIN_PERIOD) < 0) {
      d = MIN_PERIOD;
    }
    return d.compareTo(MAX_PERIOD) > 0 ? MAX_PERIOD : d;
  }

  static void execute(Execution x, CompiledNode n) throws SieveRuntimeException {
    String reason = n.string(0).eval(x);
    String from = n.has("from") ? n.tagString("from").eval(x) : null;
    String subject = n.has("subject") ? n.tagString("subject").eval(x) : null;
    List<String> addresses = n.has("addresses") ? Definitions.eval(x, n.tagStrings("addresses")) : List.of();
    String handle = n.has("handle") ? n.tagString("handle").eval(x)
        : defaultHandle(reason, subject, from, n.has("mime"), addresses);
    String sender = AddressParts.envelopePart(x.envelope().from(), "all");
    Duration period = period(n);
    String[] replyFrom = new String[1];
    String suppressed = whyNot(x, sender, addresses, replyFrom);
    if (suppressed == null && period.isPositive() && x.environment().vacationSent(sender, handle, period)) {
      suppressed = "already replied to " + sender + " within " + period;
    }
    if (suppressed != null) {
      x.log("vacation: no reply: " + suppressed);
    }
    if (subject == null || subject.isEmpty()) {
      subject = defaultSubject(x);
    }
    if (from == null || from.isEmpty()) {
      from = replyFrom[0];
    }
    List<String> ids = x.headerValues("message-id");
    x.result().vacation(n.at(), new SieveAction.Vacation(sender, from, VacationReply.limit(subject), reason,
        n.has("mime"), handle, period, ids.isEmpty() ? null : ids.get(0).strip(), suppressed));
  }

  /**
   * The subject when the script gives none: "Auto: " and the original subject, or the administrator's
   * template ({@code %{subject}}) or fixed text (Pigeonhole's sieve_vacation_default_subject[_template]).
   */
  static String defaultSubject(Execution x) {
    List<String> s = x.decodedHeaderValues("subject");
    String template = x.environment().setting("sieve_vacation_default_subject_template").orElse("");
    if (!s.isEmpty() && template.isEmpty()) {
      return "Auto: " + s.get(0);
    }
    if (!template.isEmpty()) {
      return template.replace("%{subject}", s.isEmpty() ? "" : s.get(0)).replace("%$", s.isEmpty() ? "" : s.get(0));
    }
    String fixed = x.environment().setting("sieve_vacation_default_subject").orElse("");
    return fixed.isEmpty() ? "Automated reply" : fixed;
  }

  /** RFC 5230 §4.2: a handle from the arguments that define the reply. */
  static String defaultHandle(String reason, String subject, String from, boolean mime, List<String> addresses) {
    String all = reason + "\0" + subject + "\0" + from + "\0" + mime + "\0" + String.join(",", addresses);
    try {
      byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(all.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RFC 5230 §4.3–4.6 and RFC 3834: why answering this message is not appropriate, or null. */
  static String whyNot(Execution x, String sender, List<String> addresses, String[] replyFrom) {
    if (sender == null || sender.isEmpty()) {
      return "null sender";
    }
    for (String v : x.headerValues("auto-submitted")) {
      if (!v.strip().toLowerCase(Locale.ROOT).startsWith("no")) {
        return "auto-submitted message";
      }
    }
    for (String v : x.headerValues("precedence")) {
      String p = v.strip().toLowerCase(Locale.ROOT);
      if (p.equals("bulk") || p.equals("list") || p.equals("junk")) {
        return "precedence " + p;
      }
    }
    for (String h : List.of("list-id", "list-owner", "list-unsubscribe", "list-post", "list-help", "list-subscribe",
        "list-archive")) {
      if (!x.headerValues(h).isEmpty()) {
        return "mailing list message (" + h + ")";
      }
    }
    // Microsoft's X-Auto-Response-Suppress: "All" or "OOF" asks not to send out-of-office replies.
    for (String v : x.headerValues("x-auto-response-suppress")) {
      for (String token : v.split("[,\\s]+")) {
        if (token.equalsIgnoreCase("all") || token.equalsIgnoreCase("oof")) {
          return "X-Auto-Response-Suppress";
        }
      }
    }
    String local = AddressParts.envelopePart(sender, "localpart");
    String l = local == null ? "" : local.toLowerCase(Locale.ROOT);
    if (l.equals("mailer-daemon") || l.equals("listserv") || l.equals("majordomo") || l.endsWith("-request")
        || l.startsWith("owner-") || l.endsWith("-owner") || l.equals("postmaster")) {
      return "system address " + sender;
    }
    var env = x.environment();
    String recipient = AddressParts.envelopePart(x.envelope().to(), "all");
    if (recipient == null || recipient.isEmpty()) {
      return "envelope recipient is <>";
    }
    if (sender.equalsIgnoreCase(recipient)) {
      return "sender is the user";
    }
    for (String a : addresses) {
      if (sender.equalsIgnoreCase(Core.bareAddress(a))) {
        return "sender is the user (:addresses)";
      }
    }
    String orig = env.flag("sieve_vacation_use_original_recipient", false)
        ? AddressParts.envelopePart(x.envelope().origTo(), "all") : null;
    String userEmail = env.setting("sieve_user_email").filter(u -> !u.isBlank()).orElse(null);
    // RFC 5230 §4.5: only answer mail addressed to the user, looked for header by header as Pigeonhole does.
    for (String h : List.of("to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc")) {
      List<String> listed = AddressParts.fromHeaders(x.headerValues(h), "all");
      if (listed.isEmpty()) {
        continue;
      }
      if (contains(listed, recipient)) {
        replyFrom[0] = recipient;
        return null;
      }
      if (orig != null && !orig.isEmpty() && contains(listed, orig)) {
        replyFrom[0] = orig;
        return null;
      }
      for (String a : addresses) {
        if (contains(listed, Core.bareAddress(a))) {
          replyFrom[0] = Core.bareAddress(a);
          return null;
        }
      }
      if (userEmail != null && contains(listed, Core.bareAddress(userEmail))) {
        replyFrom[0] = Core.bareAddress(userEmail);
        return null;
      }
      for (String m : env.userAddresses()) {
        if (contains(listed, Core.bareAddress(m))) {
          replyFrom[0] = Core.bareAddress(m);
          return null;
        }
      }
    }
    boolean check = env.flag("sieve_vacation_check_recipient", !env.flag("sieve_vacation_dont_check_recipient", false));
    if (!check) {
      replyFrom[0] = userEmail != null ? Core.bareAddress(userEmail) : null;
      return null;
    }
    return "the user's address is not among the recipients";
  }

  private static boolean contains(List<String> listed, String address) {
    if (address == null) {
      return false;
    }
    for (String l : listed) {
      if (l.equalsIgnoreCase(address)) {
        return true;
      }
    }
    return false;
  }
}
