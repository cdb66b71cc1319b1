package dev.postamt.mda;

import dev.postamt.sieve.store.Vacations;
import java.util.List;

/**
 * The Sieve script delivery runs for a user whose vacation reply ({@link Vacations}, set over JMAP
 * {@code VacationResponse} or the self-service page) is on: one RFC 5230 {@code vacation} action, so
 * the language's own rules decide whether to answer (§4.5: only when the user is a recipient, never to
 * the null sender, lists, bulk or auto-submitted mail, RFC 3834 §2) and the vacation seen-log keeps it
 * to one reply per sender per 7 days (§4.1 default). An HTML-only reply is sent with {@code :mime}.
 * The reply's subject is the one set, or the language's default ("Auto: " and the subject answered).
 */
final class VacationScript {
  /** The name errors and the log give it. */
  static final String NAME = "vacation-response";

  private VacationScript() {}

  /** The script for {@code v}; {@code addresses} are the user's other addresses (aliases) the reply covers. */
  static String of(Vacations.Vacation v, List<String> addresses) {
    StringBuilder b = new StringBuilder("require [\"vacation\"];\r\nvacation");
    if (v.subject() != null && !v.subject().isBlank()) {
      b.append(" :subject ").append(quote(v.subject().strip()));
    }
    if (!addresses.isEmpty()) {
      b.append(" :addresses [");
      for (int i = 0; i < addresses.size(); i++) {
        b.append(i == 0 ? "" : ", ").append(quote(addresses.get(i)));
      }
      b.append(']');
    }
    String text = v.textBody();
    if ((text == null || text.isBlank()) && v.htmlBody() != null && !v.htmlBody().isBlank()) {
      b.append(" :mime ").append(quote("Content-Type: text/html; charset=utf-8\r\n\r\n" + v.htmlBody()));
    } else {
      b.append(' ').append(quote(text == null || text.isBlank() ? "I am away and will read your message later." : text));
    }
    return b.append(";\r\n").toString();
  }

  /** An RFC 5228 §2.4.2 quoted string: backslash and double quote escaped. */
  static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
