package dev.postamt.account;

import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.directory.Totp;
import dev.postamt.web.Exchange;
import dev.postamt.web.Form;
import dev.postamt.web.Html;
import dev.postamt.web.Principal;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code /account/two-factor}: the optional second factor of the web login, a TOTP authenticator app
 * (RFC 6238). Turning it on shows a new secret (as text and as the {@code otpauth://} URI apps read)
 * and saves it only after one correct code from the app, so that nobody locks themselves out with an
 * app that did not take the secret. The secret travels in a hidden field of that one form (CSRF
 * protected, this user's own session) rather than in server state. Turning it off needs the password.
 * Mail programs are not affected: they log in with app passwords.
 */
final class SecondFactorPage {
  private final Directory directory;
  private final PasswordConfirm confirm;
  private final String issuer;
  private final Clock clock;

  /** @param issuer the name authenticator apps show next to the account (the server's hostname) */
  SecondFactorPage(Directory directory, PasswordConfirm confirm, String issuer, Clock clock) {
    this.directory = directory;
    this.confirm = confirm;
    this.issuer = issuer;
    this.clock = clock;
  }

  void handle(Exchange x, Principal p, String rest) throws IOException, DirectoryException {
    boolean on = directory.security().totpSecret(p.address()).isPresent();
    if (!x.method().equals("POST")) {
      if (!rest.equals("two-factor")) {
        x.redirect("/account/two-factor");
        return;
      }
      x.html(200, status(p, on, null, null));
      return;
    }
    Optional<Form> f = x.form(p);
    if (f.isEmpty()) {
      return;
    }
    switch (rest) {
      case "two-factor/begin" -> {
        if (on) {
          x.html(409, status(p, true, null, "Two-step login is on already; turn it off first to use a new app."));
          return;
        }
        x.html(200, setup(p, Totp.newSecret(), null));
      }
      case "two-factor/confirm" -> {
        String secret = f.get().get("secret");
        if (on) {
          x.html(409, status(p, true, null, "Two-step login is on already."));
          return;
        }
        if (Totp.decodeBase32(secret).isEmpty() || secret.length() < 26 || secret.length() > 128) {
          x.html(400, status(p, false, null, "The setup form was damaged; start again."));
          return;
        }
        String code = f.get().get("code");
        if (!Totp.verify(secret, code, clock.instant())) {
          x.html(400, setup(p, secret, code.isEmpty() ? "Enter the six-digit code your app shows."
              : "That code is not right. Check that the app shows this account and that the phone's clock is right."));
          return;
        }
        directory.security().setTotpSecret(p.address(), secret);
        x.html(200, status(p, true, "Two-step login is on. From now on the login asks for the code from your app.", null));
      }
      case "two-factor/off" -> {
        char[] password = f.get().raw("password").toCharArray();
        if (!on) {
          x.html(200, status(p, false, "Two-step login is off.", null));
          return;
        }
        PasswordConfirm.Result r = password.length == 0 ? PasswordConfirm.Result.WRONG
            : confirm.check(p.address(), password, x.client(), x.secure());
        if (r != PasswordConfirm.Result.OK) {
          x.html(r == PasswordConfirm.Result.TOO_MANY ? 429 : 400, status(p, true, null,
              password.length == 0 ? "Enter your password to turn two-step login off." : PasswordConfirm.message(r)));
          return;
        }
        directory.security().setTotpSecret(p.address(), null);
        x.html(200, status(p, false, "Two-step login is off: the login asks for your password only.", null));
      }
      default -> x.errorPage(404, "There is no such page.");
    }
  }

  private static String status(Principal p, boolean on, String ok, String error) {
    StringBuilder b = new StringBuilder("<h1>Two-step login</h1>").append(Html.notice("ok", ok));
    b.append("<p class=\"hint\">With two-step login on, logging in to these pages needs your password and a six-digit"
        + " code from an authenticator app on your phone (any app that speaks TOTP, RFC 6238). Mail programs are not"
        + " affected: they use app passwords.</p>");
    if (on) {
      b.append("<p id=\"two-factor-state\" class=\"good\">Two-step login is <strong>on</strong>.</p>");
      b.append("<h2>Turn it off</h2>").append(AccountLayout.form(p, "/account/two-factor/off", "two-factor-off",
          AccountLayout.field("Password", AccountLayout.input("password", "password", "",
              "autocomplete=\"current-password\" required"), error, null)
              + "<button type=\"submit\" class=\"danger\" id=\"turn-off\">Turn two-step login off</button>"));
    } else {
      b.append(Html.notice("error", error));
      b.append("<p id=\"two-factor-state\">Two-step login is <strong>off</strong>.</p>")
          .append(AccountLayout.form(p, "/account/two-factor/begin", "two-factor-begin",
              "<button type=\"submit\" id=\"turn-on\">Turn two-step login on</button>"));
    }
    return AccountLayout.page("Two-step login", p, "two-factor", b.toString());
  }

  private String setup(Principal p, String secret, String error) {
    String uri = Totp.uri(issuer, p.address(), secret);
    String body = "<h1>Turn on two-step login</h1>"
        + "<ol class=\"steps\"><li>In your authenticator app, add an account by entering this key"
        + " (time-based, six digits, every 30 seconds):<p><code class=\"secret\" id=\"totp-secret\">" + Html.esc(group(secret))
        + "</code></p><p class=\"hint\">or, on the phone itself, open this link: <a id=\"totp-uri\" href=\"" + Html.esc(uri)
        + "\">" + Html.esc(uri) + "</a></p></li>"
        + "<li>Enter the code the app now shows. Two-step login is on only once a code was right.</li></ol>"
        + AccountLayout.form(p, "/account/two-factor/confirm", "two-factor-confirm",
            "<input type=\"hidden\" name=\"secret\" value=\"" + Html.esc(secret) + "\">"
            + AccountLayout.field("Code", AccountLayout.input("text", "code", "", "inputmode=\"numeric\""
                + " autocomplete=\"one-time-code\" pattern=\"[0-9 ]{6,7}\" required"), error, null)
            + "<button type=\"submit\" id=\"confirm-code\">Turn on</button>");
    return AccountLayout.page("Two-step login", p, "two-factor", body);
  }

  /** The key in groups of four letters, as apps that take it by hand show it. */
  static String group(String secret) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < secret.length(); i += 4) {
      if (i > 0) {
        b.append(' ');
      }
      b.append(secret, i, Math.min(secret.length(), i + 4));
    }
    return b.toString();
  }
}
