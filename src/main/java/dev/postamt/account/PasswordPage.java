package dev.postamt.account;

import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.web.Exchange;
import dev.postamt.web.Form;
import dev.postamt.web.Html;
import dev.postamt.web.Principal;
import dev.postamt.web.session.WebSessions;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /account/password}: the user changes their own password. The current password is asked for
 * ({@link PasswordConfirm}), the new one twice; on success every other browser session of the user
 * ends (the one in use stays), while app passwords and API tokens keep working: they are separate
 * secrets the user revokes one by one.
 */
final class PasswordPage {
  /** The shortest password this page accepts. */
  static final int MIN_LENGTH = 10;
  static final int MAX_LENGTH = 1024;
  static final String RULE = "At least " + MIN_LENGTH + " characters (a few unrelated words make a good one), "
      + "not your address and not your current password.";

  private final Directory directory;
  private final WebSessions sessions;
  private final PasswordConfirm confirm;

  PasswordPage(Directory directory, WebSessions sessions, PasswordConfirm confirm) {
    this.directory = directory;
    this.sessions = sessions;
    this.confirm = confirm;
  }

  void handle(Exchange x, Principal p) throws IOException, DirectoryException {
    if (!x.method().equals("POST")) {
      x.html(200, render(p, Map.of(), null));
      return;
    }
    Optional<Form> f = x.form(p);
    if (f.isEmpty()) {
      return;
    }
    char[] current = f.get().raw("current").toCharArray();
    String fresh = f.get().raw("password");
    String again = f.get().raw("again");
    Map<String, String> errors = new HashMap<>();
    String problem = problem(fresh, p.address());
    if (problem != null) {
      errors.put("password", problem);
    } else if (!fresh.equals(again)) {
      errors.put("again", "The two new passwords differ.");
    }
    if (current.length == 0) {
      errors.put("current", "Enter your current password.");
      x.html(400, render(p, errors, null));
      return;
    }
    boolean same = fresh.equals(new String(current));
    PasswordConfirm.Result r = confirm.check(p.address(), current, x.client(), x.secure());
    if (r != PasswordConfirm.Result.OK) {
      errors.put("current", PasswordConfirm.message(r));
    } else if (errors.isEmpty() && same) {
      errors.put("password", "That is your current password; choose a new one.");
    }
    if (!errors.isEmpty()) {
      x.html(r == PasswordConfirm.Result.TOO_MANY ? 429 : 400, render(p, errors, null));
      return;
    }
    char[] pw = fresh.toCharArray();
    try {
      directory.setPassword(p.address(), pw);
    } finally {
      Arrays.fill(pw, '\0');
    }
    int ended = p.session() == null ? sessions.deleteAll(p.address()) : sessions.deleteOthers(p.address(), p.session().id());
    x.html(200, render(p, Map.of(), "Your password is changed. " + (ended == 0 ? "No other browser session was open."
        : ended == 1 ? "The other browser session was logged out." : ended + " other browser sessions were logged out.")
        + " App passwords and API tokens still work; revoke them on their pages if you need to."));
  }

  /** What is wrong with a new password, or null. */
  static String problem(String password, String address) {
    if (password.isEmpty()) {
      return "Enter a new password.";
    }
    int length = password.codePointCount(0, password.length());
    if (length < MIN_LENGTH) {
      return "The new password has " + length + " characters; it needs at least " + MIN_LENGTH + ".";
    }
    if (length > MAX_LENGTH) {
      return "The new password is longer than " + MAX_LENGTH + " characters.";
    }
    if (password.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return "The new password may not contain control characters.";
    }
    if (password.codePoints().distinct().count() < 4) {
      return "The new password repeats too few different characters.";
    }
    String lower = password.toLowerCase(Locale.ROOT);
    String local = address.substring(0, address.indexOf('@')).toLowerCase(Locale.ROOT);
    if (lower.equals(address) || lower.equals(local)) {
      return "The new password may not be your address.";
    }
    return null;
  }

  private static String render(Principal p, Map<String, String> errors, String ok) {
    String body = "<h1>Change password</h1>" + Html.notice("ok", ok)
        + (errors.isEmpty() ? "" : Html.notice("error", "The password was not changed."))
        + "<p class=\"hint\">" + Html.esc(RULE) + " Other browser sessions are logged out; app passwords and API tokens"
        + " keep working.</p>"
        + AccountLayout.form(p, "/account/password", "password-form",
            AccountLayout.field("Current password", AccountLayout.input("password", "current", "",
                "autocomplete=\"current-password\" required"), errors.get("current"), null)
            + AccountLayout.field("New password", AccountLayout.input("password", "password", "",
                "autocomplete=\"new-password\" required minlength=\"" + MIN_LENGTH + "\""), errors.get("password"), null)
            + AccountLayout.field("New password again", AccountLayout.input("password", "again", "",
                "autocomplete=\"new-password\" required"), errors.get("again"), null)
            + "<button type=\"submit\" id=\"change-password\">Change password</button>");
    return AccountLayout.page("Password", p, "password", body);
  }
}
