package dev.postamt.account;

import dev.postamt.sieve.store.SieveStoreException;
import dev.postamt.sieve.store.Vacations;
import dev.postamt.web.Exchange;
import dev.postamt.web.Form;
import dev.postamt.web.Html;
import dev.postamt.web.Principal;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /account/vacation}: the user's auto-reply, the same setting JMAP's {@code VacationResponse}
 * (RFC 8621 §8) edits and delivery answers with (once per sender and period, as Sieve {@code vacation}
 * does, RFC 5230). The page edits the text body; dates are whole days in UTC, the last day included
 * (stored as the exclusive {@code toDate} at the next midnight). An HTML body set by another program
 * is dropped when the page saves, so that the two versions never say different things.
 */
final class VacationPage {
  static final int MAX_SUBJECT = 200;
  static final int MAX_BODY = 64 * 1024;

  private final Vacations vacations;
  private final Clock clock;

  /** @param vacations null when this server keeps no vacation replies (the page says so) */
  VacationPage(Vacations vacations, Clock clock) {
    this.vacations = vacations;
    this.clock = clock;
  }

  void handle(Exchange x, Principal p) throws IOException, SieveStoreException {
    if (vacations == null) {
      x.html(503, AccountLayout.page("Vacation reply", p, "vacation", "<h1>Vacation reply</h1>"
          + Html.notice("error", "This server does not keep vacation replies yet.")));
      return;
    }
    if (!x.method().equals("POST")) {
      Vacations.Vacation v = vacations.get(p.address());
      x.html(200, render(p, v, fields(v), Map.of(), null));
      return;
    }
    Optional<Form> f = x.form(p);
    if (f.isEmpty()) {
      return;
    }
    Map<String, String> in = new HashMap<>();
    in.put("enabled", f.get().has("enabled") ? "on" : "");
    in.put("from", f.get().get("from"));
    in.put("to", f.get().get("to"));
    in.put("subject", f.get().get("subject"));
    in.put("body", f.get().raw("body").replace("\r\n", "\n"));
    Map<String, String> errors = new HashMap<>();
    LocalDate from = date(in.get("from"), "from", errors);
    LocalDate to = date(in.get("to"), "to", errors);
    if (from != null && to != null && to.isBefore(from)) {
      errors.put("to", "The last day is before the first day.");
    }
    String subject = in.get("subject");
    if (subject.length() > MAX_SUBJECT) {
      errors.put("subject", "The subject is longer than " + MAX_SUBJECT + " characters.");
    } else if (subject.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      errors.put("subject", "The subject may not contain control characters.");
    }
    String body = in.get("body");
    boolean enabled = !in.get("enabled").isEmpty();
    if (body.length() > MAX_BODY) {
      errors.put("body", "The message is longer than " + MAX_BODY / 1024 + " KiB.");
    } else if (enabled && body.isBlank()) {
      errors.put("body", "Write the message the reply says.");
    } else if (body.chars().anyMatch(c -> (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)) {
      errors.put("body", "The message may not contain control characters.");
    }
    Vacations.Vacation current = vacations.get(p.address());
    if (!errors.isEmpty()) {
      x.html(400, render(p, current, in, errors, null));
      return;
    }
    Vacations.Vacation v = new Vacations.Vacation(enabled,
        from == null ? null : from.atStartOfDay(ZoneOffset.UTC).toInstant(),
        to == null ? null : to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
        subject.isEmpty() ? null : subject, body.isEmpty() ? null : body, null);
    vacations.set(p.address(), v);
    x.html(200, render(p, v, fields(v), Map.of(), enabled ? "The vacation reply is saved." : "The vacation reply is off."));
  }

  private static LocalDate date(String text, String field, Map<String, String> errors) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      LocalDate d = LocalDate.parse(text);
      if (d.getYear() < 2000 || d.getYear() > 9999) {
        errors.put(field, "Enter a date between the years 2000 and 9999.");
        return null;
      }
      return d;
    } catch (DateTimeParseException e) {
      errors.put(field, "Enter a date as YYYY-MM-DD, for example 2026-07-01.");
      return null;
    }
  }

  /** The form's values for stored settings. */
  private static Map<String, String> fields(Vacations.Vacation v) {
    Map<String, String> m = new HashMap<>();
    m.put("enabled", v.enabled() ? "on" : "");
    m.put("from", v.fromDate() == null ? "" : LocalDate.ofInstant(v.fromDate(), ZoneOffset.UTC).toString());
    m.put("to", v.toDate() == null ? "" : LocalDate.ofInstant(v.toDate().minusNanos(1), ZoneOffset.UTC).toString());
    m.put("subject", v.subject() == null ? "" : v.subject());
    m.put("body", v.textBody() == null ? "" : v.textBody());
    return m;
  }

  private String render(Principal p, Vacations.Vacation stored, Map<String, String> in, Map<String, String> errors,
      String ok) {
    StringBuilder b = new StringBuilder("<h1>Vacation reply</h1>").append(Html.notice("ok", ok));
    if (!errors.isEmpty()) {
      b.append(Html.notice("error", "Nothing was saved; see the fields below."));
    }
    b.append("<p id=\"vacation-state\">").append(state(stored, clock.instant())).append("</p>");
    b.append("<p class=\"hint\">While it is on, mail to you is answered with this message, at most once a week per"
        + " sender; mailing lists, automatic mail and junk get no answer. Your mail is still delivered as usual.</p>");
    String body = AccountLayout.field("", "<input type=\"checkbox\" name=\"enabled\" id=\"enabled\""
        + ("on".equals(in.get("enabled")) ? " checked" : "") + "> Answer mail automatically", errors.get("enabled"), null)
        + "<div class=\"row\">"
        + AccountLayout.field("First day", AccountLayout.input("date", "from", in.get("from"), ""), errors.get("from"),
            "(empty: from now)")
        + AccountLayout.field("Last day", AccountLayout.input("date", "to", in.get("to"), ""), errors.get("to"),
            "(empty: until you turn it off)")
        + "</div><p class=\"hint\">Days begin and end at midnight UTC.</p>"
        + AccountLayout.field("Subject", AccountLayout.input("text", "subject", in.get("subject"), "maxlength=\""
            + MAX_SUBJECT + "\" placeholder=\"Auto: (the subject of the message answered)\""), errors.get("subject"),
            "(empty: \u201cAuto:\u201d and the subject answered)")
        + AccountLayout.field("Message", "<textarea name=\"body\" id=\"body\" rows=\"8\">" + Html.esc(in.get("body"))
            + "</textarea>", errors.get("body"), null)
        + "<button type=\"submit\" id=\"save-vacation\">Save</button>";
    b.append(AccountLayout.form(p, "/account/vacation", "vacation-form", body));
    return AccountLayout.page("Vacation reply", p, "vacation", b.toString());
  }

  /** Whether the reply answers now, will later, or not at all, in words. */
  static String state(Vacations.Vacation v, Instant now) {
    if (!v.enabled()) {
      return "The vacation reply is <strong>off</strong>.";
    }
    if (v.activeAt(now)) {
      return "The vacation reply is <strong>on</strong>" + (v.toDate() == null ? "."
          : ", until " + Html.esc(LocalDate.ofInstant(v.toDate().minusNanos(1), ZoneOffset.UTC).toString()) + " (UTC).");
    }
    if (v.fromDate() != null && now.isBefore(v.fromDate())) {
      return "The vacation reply is <strong>scheduled</strong>: it starts on "
          + Html.esc(LocalDate.ofInstant(v.fromDate(), ZoneOffset.UTC).toString()) + " (UTC).";
    }
    return "The vacation reply is <strong>over</strong>: its last day has passed.";
  }
}
