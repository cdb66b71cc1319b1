package dev.postamt.account;

import dev.postamt.directory.AccountSecurity;
import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.web.Exchange;
import dev.postamt.web.Form;
import dev.postamt.web.Html;
import dev.postamt.web.Principal;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code /account/app-passwords}: one password per mail program, named, shown once when made, listed
 * with when it was made and last used, revocable one by one. They log in to IMAP, POP3, SMTP
 * submission and JMAP, never to these pages ({@link Directory#authenticateAccount}), so a leaked one
 * cannot change the account.
 */
final class AppPasswordsPage {
  private final Directory directory;

  AppPasswordsPage(Directory directory) {
    this.directory = directory;
  }

  void handle(Exchange x, Principal p, String rest) throws IOException, DirectoryException {
    if (!x.method().equals("POST")) {
      if (!rest.equals("app-passwords")) {
        x.redirect("/account/app-passwords");
        return;
      }
      x.html(200, render(p, null, null, null, ""));
      return;
    }
    Optional<Form> f = x.form(p);
    if (f.isEmpty()) {
      return;
    }
    AccountSecurity security = directory.security();
    if (rest.equals("app-passwords/revoke")) {
      String id = f.get().get("id");
      boolean gone = security.revokeAppPassword(p.address(), id);
      x.html(gone ? 200 : 404, render(p, null, gone ? "The app password is revoked: programs using it can no longer log in."
          : null, gone ? null : "You have no app password with that id (already revoked?).", ""));
      return;
    }
    String name = f.get().get("name");
    String problem = nameProblem(name);
    if (problem == null && security.appPasswords(p.address()).size() >= AccountSecurity.MAX_APP_PASSWORDS) {
      problem = "You have " + AccountSecurity.MAX_APP_PASSWORDS + " app passwords already; revoke one first.";
    }
    if (problem != null) {
      x.html(400, render(p, null, null, problem, name));
      return;
    }
    AccountSecurity.NewAppPassword made = security.addAppPassword(p.address(), name);
    x.html(200, render(p, made, null, null, ""));
  }

  /** A name of 1 to 64 printable characters (what {@link AccountSecurity#addAppPassword} accepts). */
  static String nameProblem(String name) {
    if (name.isEmpty()) {
      return "Give it a name, for example the program or device it is for.";
    }
    if (name.length() > 64) {
      return "The name is longer than 64 characters.";
    }
    if (name.chars().anyMatch(Character::isISOControl)) {
      return "The name may not contain control characters.";
    }
    return null;
  }

  private String render(Principal p, AccountSecurity.NewAppPassword made, String ok, String error, String name)
      throws DirectoryException {
    StringBuilder b = new StringBuilder("<h1>App passwords</h1>");
    b.append("<p class=\"hint\">Mail programs (Thunderbird, a phone, fetchmail) log in with an app password instead"
        + " of your account password: make one per program, and revoke it when the device is gone. Your user name"
        + " stays <code>").append(Html.esc(p.address())).append("</code>. App passwords work for IMAP, POP3, SMTP"
        + " (sending) and JMAP; they never log in to these web pages.</p>");
    b.append(Html.notice("ok", ok));
    if (made != null) {
      b.append("<div class=\"secret-once\" id=\"new-secret\"><p>The new app password for <strong>")
          .append(Html.esc(made.info().name())).append("</strong>:</p><p><code class=\"secret\" id=\"secret\">")
          .append(Html.esc(made.secret())).append("</code></p><p class=\"hint\">Copy it into the program now: it is shown"
              + " only this once. Dashes and spaces are optional. Use it for IMAP, POP3, SMTP or JMAP, not for this web"
              + " login.</p></div>");
    }
    b.append("<h2>Make a new one</h2>").append(AccountLayout.form(p, "/account/app-passwords", "app-password-form",
        AccountLayout.field("Name", AccountLayout.input("text", "name", name, "maxlength=\"64\" required"
            + " placeholder=\"Thunderbird on the laptop\""), error, null)
            + "<button type=\"submit\" id=\"create-app-password\">Make app password</button>"));
    List<AccountSecurity.AppPassword> list = directory.security().appPasswords(p.address());
    b.append("<h2>Your app passwords</h2>");
    if (list.isEmpty()) {
      b.append("<p id=\"app-passwords-empty\">You have none.</p>");
    } else {
      b.append("<table id=\"app-passwords\"><thead><tr><th>Name</th><th>Made</th><th>Last used</th><th></th></tr></thead><tbody>");
      for (AccountSecurity.AppPassword a : list) {
        b.append("<tr><td>").append(Html.esc(a.name())).append("</td><td>").append(AccountLayout.time(a.created()))
            .append("</td><td>").append(AccountLayout.time(a.lastUsed())).append("</td><td>")
            .append(AccountLayout.button(p, "/account/app-passwords/revoke", "id", a.id(), "Revoke", "danger",
                "revoke-" + a.id()))
            .append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    return AccountLayout.page("App passwords", p, "app-passwords", b.toString());
  }
}
