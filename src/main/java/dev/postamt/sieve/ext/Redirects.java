package dev.postamt.sieve.ext;

import dev.postamt.sieve.AddressParts;
import dev.postamt.sieve.OutgoingMessage;
import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.sieve.SieveEnvironment;
import dev.postamt.sieve.SieveMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Sending a {@link SieveAction.Redirect} (RFC 5228 §4.2) as Pigeonhole does: the message unchanged but
 * for a prepended {@code X-Sieve-Redirected-From} naming the user (which stops loops between two users
 * redirecting to each other) and no Return-Path; the envelope sender kept, or chosen by the
 * {@code sieve_redirect_envelope_from} setting, but the null sender always stays null (§4.2: no bounce
 * loops). SRS rewriting of that sender is delivery's business.
 */
public final class Redirects {
  private Redirects() {}

  /**
   * An address chosen by a Pigeonhole "address source" setting: "sender", "recipient", "orig_recipient",
   * "user_email" (the recipient when no sieve_user_email is set), "postmaster", or an explicit
   * "&lt;address&gt;" ("&lt;&gt;" for the null sender); empty for "default" or when unset.
   */
  static Optional<String> addressSource(String spec, SieveEnvelope envelope, SieveEnvironment env) {
    String s = spec == null ? "" : spec.strip().toLowerCase(Locale.ROOT);
    String userEmail = env.setting("sieve_user_email").filter(u -> !u.isBlank()).map(Core::bareAddress).orElse(null);
    if (s.equals("user_email") && userEmail == null) {
      s = "recipient";
    }
    String a = switch (s) {
      case "sender" -> AddressParts.envelopePart(envelope.from(), "all");
      case "recipient" -> AddressParts.envelopePart(envelope.to(), "all");
      case "orig_recipient" -> AddressParts.envelopePart(envelope.origTo(), "all");
      case "user_email" -> userEmail;
      case "postmaster" -> Core.bareAddress(VacationReply.postmaster(env));
      case "", "default" -> null;
      default -> s.equals("<>") ? "" : AddressParts.envelopePart(spec.strip(), "all");
    };
    return Optional.ofNullable(a);
  }

  /** The user as X-Sieve-Redirected-From names them: sieve_user_email, else the final recipient. */
  static String user(SieveEnvelope envelope, SieveEnvironment env) {
    return env.setting("sieve_user_email").filter(u -> !u.isBlank()).map(Core::bareAddress)
        .orElseGet(() -> AddressParts.envelopePart(envelope.to(), "all"));
  }

  /**
   * Whether the message was redirected by this user before: an {@code X-Sieve-Redirected-From} field
   * naming the final recipient or the configured user address. Such a redirect is not sent and does not
   * cancel the implicit keep.
   */
  public static boolean loops(SieveMessage message, SieveEnvelope envelope, SieveEnvironment env) {
    List<String> seen = message.headerValues("x-sieve-redirected-from");
    if (seen.isEmpty()) {
      return false;
    }
    String recipient = AddressParts.envelopePart(envelope.to(), "all");
    String userEmail = env.setting("sieve_user_email").filter(u -> !u.isBlank()).map(Core::bareAddress).orElse(null);
    for (String v : seen) {
      String h = v.strip();
      if (h.equals(recipient) || h.equals(userEmail)) {
        return true;
      }
    }
    return false;
  }

  /** The envelope sender of the redirected copy. */
  public static String envelopeSender(SieveEnvelope envelope, SieveEnvironment env) {
    String sender = AddressParts.envelopePart(envelope.from(), "all");
    if (sender == null || sender.isEmpty()) {
      return "";
    }
    return addressSource(env.setting("sieve_redirect_envelope_from").orElse(null), envelope, env).orElse(sender);
  }

  /**
   * The copy {@code r} sends of {@code message} (the raw bytes, header edits applied), or empty when
   * {@link #loops} says it would loop.
   */
  public static Optional<OutgoingMessage> compose(SieveAction.Redirect r, byte[] message, SieveMessage parsed,
      SieveEnvelope envelope, SieveEnvironment env) {
    if (loops(parsed, envelope, env)) {
      return Optional.empty();
    }
    String user = user(envelope, env);
    String text = new String(message, StandardCharsets.ISO_8859_1);
    StringBuilder b = new StringBuilder(text.length() + 64);
    if (user != null && !user.isEmpty()) {
      b.append("X-Sieve-Redirected-From: ").append(user).append("\r\n");
    }
    b.append(withoutReturnPath(text));
    return Optional.of(new OutgoingMessage(envelopeSender(envelope, env), List.of(r.address()),
        b.toString().getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** The message text without its Return-Path field(s) (RFC 5321 §4.4: only final delivery adds one). */
  static String withoutReturnPath(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    boolean skipping = false;
    while (i < text.length()) {
      int nl = text.indexOf('\n', i);
      int end = nl < 0 ? text.length() : nl + 1;
      String line = text.substring(i, end);
      if (line.equals("\r\n") || line.equals("\n")) {
        out.append(text, i, text.length());
        return out.toString();
      }
      boolean continuation = line.startsWith(" ") || line.startsWith("\t");
      if (!continuation) {
        skipping = line.regionMatches(true, 0, "return-path:", 0, 12);
      }
      if (!skipping) {
        out.append(line);
      }
      i = end;
    }
    return out.toString();
  }
}
