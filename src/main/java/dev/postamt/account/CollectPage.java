package dev.postamt.account;

import dev.postamt.collect.CollectException;
import dev.postamt.collect.CollectPoller;
import dev.postamt.collect.CollectService;
import dev.postamt.config.Config;
import dev.postamt.web.Exchange;
import dev.postamt.web.Form;
import dev.postamt.web.Html;
import dev.postamt.web.Principal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /account/collect}: "Collected accounts", the user's mailboxes at other providers that the
 * server fetches from ({@code docs/collect.md}): add one (URL, login, an app password, keep or delete
 * there), see when each was last fetched, how many messages came and the last error (bad password,
 * server down) with the next attempt, fetch now, remove. The password is never shown again.
 */
final class CollectPage {
  private static final Logger log = LoggerFactory.getLogger(CollectPage.class);

  private final Config config;

  CollectPage(Config config) {
    this.config = config;
  }

  void handle(Exchange x, Principal p, String rest) throws IOException {
    try (CollectService s = CollectService.open(config, null)) {
      if (!x.method().equals("POST")) {
        if (!rest.equals("collect")) {
          x.redirect("/account/collect");
          return;
        }
        x.html(200, render(s, p, null, null, null));
        return;
      }
      Optional<Form> f = x.form(p);
      if (f.isEmpty()) {
        return;
      }
      Form form = f.get();
      switch (rest) {
        case "collect/remove" -> {
          s.remove(p.address(), id(form));
          x.html(200, render(s, p, "The account is removed; what was collected from it stays in your mailbox.", null, null));
        }
        case "collect/run" -> {
          s.dueNow(p.address(), id(form));
          CollectPoller.wake();
          x.html(200, render(s, p, "The account is fetched now; reload this page in a moment to see the result.", null, null));
        }
        default -> {
          String url = form.get("url").strip();
          try {
            long id = s.add(p.address(), url, form.get("login"), form.raw("password"), form.has("keep"),
                form.has("insecure"), false);
            CollectPoller.wake();
            x.html(200, render(s, p, "Account " + id + " is added and fetched shortly.", null, null));
          } catch (CollectException e) {
            x.html(400, render(s, p, null, e.getMessage(), form));
          }
        }
      }
    } catch (CollectException e) {
      x.errorPage(404, e.getMessage());
    } catch (UncheckedIOException e) {
      log.warn("account: user={}: collect: {}", p.address(), e.getMessage());
      x.errorPage(503, "Your collected accounts cannot be read or changed right now; nothing was changed. Try again later.");
    }
  }

  private static long id(Form f) {
    try {
      return Long.parseLong(f.get("id"));
    } catch (NumberFormatException e) {
      throw new CollectException("There is no such account.");
    }
  }

  private String render(CollectService s, Principal p, String ok, String error, Form given) {
    StringBuilder b = new StringBuilder("<h1>Collected accounts</h1>");
    b.append("<p class=\"hint\">Mail from your mailboxes at other providers is fetched into this one every ")
        .append(Html.esc(config.collect().interval().toMinutes() + " minutes"))
        .append(" and goes through your filters. Use an app password of the other provider where it has them.</p>");
    b.append(Html.notice("ok", ok));
    List<CollectService.View> all = s.list(p.address());
    if (all.isEmpty()) {
      b.append("<p id=\"collect-empty\">You collect from no other account.</p>");
    } else {
      b.append("<table id=\"collect-accounts\"><thead><tr><th>Server</th><th>Login</th><th>There</th><th>Collected</th>"
          + "<th>Last fetched</th><th>Status</th><th></th></tr></thead><tbody>");
      for (CollectService.View v : all) {
        String id = Long.toString(v.id());
        b.append("<tr id=\"collect-").append(id).append("\"><td>").append(Html.esc(v.url())).append("</td><td>")
            .append(Html.esc(v.login())).append("</td><td>").append(v.keep() ? "kept" : "deleted").append("</td><td>")
            .append(v.collected()).append("</td><td>").append(AccountLayout.time(v.lastRun().orElse(null)))
            .append("</td><td class=\"collect-status\">");
        if (v.lastError().isPresent()) {
          b.append("<span class=\"field-error\">").append(Html.esc(v.lastError().get())).append("</span><br><small>next try ")
              .append(AccountLayout.time(v.nextAttempt())).append("</small>");
        } else {
          b.append(v.lastRun().isPresent() ? "OK" : "waiting for the first fetch");
        }
        b.append("</td><td>")
            .append(AccountLayout.button(p, "/account/collect/run", "id", id, "Fetch now", "secondary", "run-" + id))
            .append(AccountLayout.button(p, "/account/collect/remove", "id", id, "Remove", "danger", "remove-" + id))
            .append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    String url = given == null ? "" : given.get("url");
    String login = given == null ? "" : given.get("login");
    b.append("<h2>Add an account</h2>").append(AccountLayout.form(p, "/account/collect/add", "collect-form",
        AccountLayout.field("Server", AccountLayout.input("text", "url", url, "required placeholder=\"imaps://imap.example.org\""),
            error, "imaps://host or pop3s://host (imap:// and pop3:// need STARTTLS)")
            + AccountLayout.field("Login", AccountLayout.input("text", "login", login, "required autocomplete=\"off\""), null, null)
            + AccountLayout.field("Password", AccountLayout.input("password", "password", "", "required autocomplete=\"new-password\""),
                null, "stored encrypted; never shown again")
            + "<label><input type=\"checkbox\" name=\"keep\" id=\"keep\"" + (given != null && given.has("keep") ? " checked" : "")
            + "> Keep the messages on the other server</label>"
            + "<label><input type=\"checkbox\" name=\"insecure\" id=\"insecure\""
            + (given != null && given.has("insecure") ? " checked" : "")
            + "> Accept a certificate that does not verify (self-signed)</label>"
            + "<button type=\"submit\" id=\"add-collect\">Add account</button>"));
    return AccountLayout.page("Collected accounts", p, "collect", b.toString());
  }
}
