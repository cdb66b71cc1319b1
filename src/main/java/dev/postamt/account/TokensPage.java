package dev.postamt.account;

import dev.postamt.web.Exchange;
import dev.postamt.web.Form;
import dev.postamt.web.Html;
import dev.postamt.web.Principal;
import dev.postamt.web.session.WebSessions;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code /account/tokens}: bearer tokens for programs that speak JMAP (RFC 8620 §1.8 leaves the scheme
 * to the server; RFC 6750 {@code Authorization: Bearer}). Named, optionally expiring, shown once,
 * listed with their last use, revocable.
 */
final class TokensPage {
  /** The lifetimes offered, in days; 0 is "no end". */
  static final List<Integer> LIFETIMES = List.of(30, 90, 365, 0);

  private final WebSessions sessions;
  private final Clock clock;

  TokensPage(WebSessions sessions, Clock clock) {
    this.sessions = sessions;
    this.clock = clock;
  }

  void handle(Exchange x, Principal p, String rest) throws IOException {
    if (!x.method().equals("POST")) {
      if (!rest.equals("tokens")) {
        x.redirect("/account/tokens");
        return;
      }
      x.html(200, render(p, null, null, null, ""));
      return;
    }
    Optional<Form> f = x.form(p);
    if (f.isEmpty()) {
      return;
    }
    if (rest.equals("tokens/revoke")) {
      boolean gone = sessions.revokeToken(p.address(), f.get().get("id"));
      x.html(gone ? 200 : 404, render(p, null, gone ? "The token is revoked." : null,
          gone ? null : "You have no token with that id (already revoked?).", ""));
      return;
    }
    String name = f.get().get("name");
    String problem = AppPasswordsPage.nameProblem(name);
    int days;
    try {
      days = Integer.parseInt(f.get().get("days"));
    } catch (NumberFormatException e) {
      days = -1;
    }
    if (problem == null && !LIFETIMES.contains(days)) {
      problem = "Choose how long the token lasts.";
    }
    if (problem == null && sessions.tokens(p.address()).size() >= 50) {
      problem = "You have 50 tokens already; revoke one first.";
    }
    if (problem != null) {
      x.html(400, render(p, null, null, problem, name));
      return;
    }
    Instant expires = days == 0 ? null : clock.instant().plus(Duration.ofDays(days));
    WebSessions.NewToken made = sessions.createToken(p.address(), name, expires);
    x.html(200, render(p, made, null, null, ""));
  }

  private String render(Principal p, WebSessions.NewToken made, String ok, String error, String name)
      throws IOException {
    StringBuilder b = new StringBuilder("<h1>API tokens</h1>");
    b.append("<p class=\"hint\">A token lets a program use your mail over JMAP without your password: it sends"
        + " <code>Authorization: Bearer TOKEN</code> to <code>/.well-known/jmap</code> and the API. Anyone holding a"
        + " token can read and send your mail until it expires or you revoke it.</p>");
    b.append(Html.notice("ok", ok));
    if (made != null) {
      b.append("<div class=\"secret-once\" id=\"new-secret\"><p>The new token <strong>").append(Html.esc(made.token().name()))
          .append("</strong>:</p><p><code class=\"secret\" id=\"secret\">").append(Html.esc(made.secret()))
          .append("</code></p><p class=\"hint\">Copy it now: it is shown only this once.</p></div>");
    }
    StringBuilder options = new StringBuilder("<select name=\"days\" id=\"days\">");
    for (int d : LIFETIMES) {
      options.append("<option value=\"").append(d).append('"').append(d == 90 ? " selected" : "").append('>')
          .append(d == 0 ? "no end" : d + " days").append("</option>");
    }
    options.append("</select>");
    b.append("<h2>Make a new one</h2>").append(AccountLayout.form(p, "/account/tokens", "token-form",
        AccountLayout.field("Name", AccountLayout.input("text", "name", name, "maxlength=\"64\" required"
            + " placeholder=\"backup script\""), error, null)
            + AccountLayout.field("Valid for", options.toString(), null, null)
            + "<button type=\"submit\" id=\"create-token\">Make token</button>"));
    List<WebSessions.Token> list = sessions.tokens(p.address());
    b.append("<h2>Your tokens</h2>");
    if (list.isEmpty()) {
      b.append("<p id=\"tokens-empty\">You have none.</p>");
    } else {
      b.append("<table id=\"tokens\"><thead><tr><th>Name</th><th>Made</th><th>Last used</th><th>Expires</th><th></th>"
          + "</tr></thead><tbody>");
      for (WebSessions.Token t : list) {
        b.append("<tr><td>").append(Html.esc(t.name())).append("</td><td>").append(AccountLayout.time(t.created()))
            .append("</td><td>").append(AccountLayout.time(t.lastUsed())).append("</td><td>")
            .append(t.expires() == null ? "no end" : AccountLayout.time(t.expires())).append("</td><td>")
            .append(AccountLayout.button(p, "/account/tokens/revoke", "id", t.id(), "Revoke", "danger", "revoke-" + t.id()))
            .append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    return AccountLayout.page("API tokens", p, "tokens", b.toString());
  }
}
