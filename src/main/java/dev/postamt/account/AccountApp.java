package dev.postamt.account;

import dev.postamt.admin.Admin;
import dev.postamt.admin.QuotaReport;
import dev.postamt.admin.SpamAdmin;
import dev.postamt.config.Config;
import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.SieveStoreException;
import dev.postamt.sieve.store.Vacations;
import dev.postamt.web.Exchange;
import dev.postamt.web.Html;
import dev.postamt.web.Principal;
import dev.postamt.web.WebApp;
import dev.postamt.web.session.WebSessions;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Self-service at {@code /account/}: every logged-in user's own account, and only their own — every
 * page takes the address from the session's {@link Principal}, never from the request. The overview
 * is here; each other page is one class ({@link PasswordPage}, {@link AppPasswordsPage}, {@link
 * TokensPage}, {@link SecondFactorPage}, {@link VacationPage}, {@link FiltersPage}, {@link
 * SieveEditorPage}, {@link MasksPage}, and the {@link AppleProfile} download).
 */
public final class AccountApp implements WebApp {
  static final String PREFIX = "/account/";
  private static final Logger log = LoggerFactory.getLogger(AccountApp.class);

  private final Admin admin;
  private final Directory directory;
  private final WebSessions sessions;
  private final SieveScripts scripts;
  private final Vacations vacations;
  private final PasswordPage password;
  private final AppPasswordsPage appPasswords;
  private final TokensPage tokens;
  private final SecondFactorPage secondFactor;
  private final VacationPage vacation;
  private final SieveEditorPage editor;
  private final FiltersPage filters;
  private final CollectPage collect;
  private final MasksPage masks;
  private final AppleProfile appleProfile;

  /**
   * @param scripts the users' Sieve scripts, shared with delivery and ManageSieve
   * @param vacations the users' vacation replies, shared with delivery and JMAP; null when the server keeps none
   */
  public AccountApp(Config config, Directory directory, WebSessions sessions, SieveScripts scripts, Vacations vacations) {
    this(config, directory, sessions, scripts, vacations, Clock.systemUTC());
  }

  AccountApp(Config config, Directory directory, WebSessions sessions, SieveScripts scripts, Vacations vacations,
      Clock clock) {
    this.admin = new Admin(config);
    this.directory = directory;
    this.sessions = sessions;
    this.scripts = scripts;
    this.vacations = vacations;
    PasswordConfirm confirm = new PasswordConfirm(directory, clock);
    this.password = new PasswordPage(directory, sessions, confirm);
    this.appPasswords = new AppPasswordsPage(directory);
    this.tokens = new TokensPage(sessions, clock);
    this.secondFactor = new SecondFactorPage(directory, confirm, config.hostname(), clock);
    this.vacation = new VacationPage(vacations, clock);
    this.editor = new SieveEditorPage(scripts);
    this.filters = new FiltersPage(scripts, editor);
    this.collect = new CollectPage(config);
    this.masks = new MasksPage(directory);
    this.appleProfile = new AppleProfile(config);
  }

  @Override
  public String prefix() {
    return PREFIX;
  }

  @Override
  public void handle(Exchange x) throws Exception {
    Optional<Principal> who = x.requireLogin();
    if (who.isEmpty()) {
      return;
    }
    Principal p = who.get();
    String rest = x.path().substring(PREFIX.length());
    if (!x.method().equals("GET") && !x.method().equals("HEAD") && !x.method().equals("POST")) {
      x.response().getHeaders().put("Allow", "GET, POST");
      x.errorPage(405, "Use the forms on the page.");
      return;
    }
    try {
      switch (rest) {
        case "" -> {
          if (x.method().equals("POST")) {
            x.errorPage(405, "Use the forms on the page.");
          } else {
            x.html(200, overview(p, null));
          }
        }
        case "sessions/end-others" -> endOtherSessions(x, p);
        case "password" -> password.handle(x, p);
        case "app-passwords", "app-passwords/revoke" -> appPasswords.handle(x, p, rest);
        case "tokens", "tokens/revoke" -> tokens.handle(x, p, rest);
        case "two-factor", "two-factor/begin", "two-factor/confirm", "two-factor/off" -> secondFactor.handle(x, p, rest);
        case "vacation" -> vacation.handle(x, p);
        case "filters", "filters/add", "filters/remove" -> filters.handle(x, p, rest);
        case "filters/raw", "filters/raw/delete", "filters/raw/off" -> editor.handle(x, p, rest);
        case "collect", "collect/add", "collect/remove", "collect/run" -> collect.handle(x, p, rest);
        case "masks", "masks/on", "masks/off" -> masks.handle(x, p, rest);
        case "apple.mobileconfig" -> appleProfile.handle(x, p);
        default -> x.errorPage(404, "There is no such page.");
      }
    } catch (DirectoryException | SieveStoreException e) {
      log.warn("account: user={}: {}", p.address(), e.getMessage());
      x.errorPage(503, "Your account's settings cannot be read or changed right now; nothing was changed. Try again later.");
    }
  }

  /** {@code /account/}: what the account has and uses, each with a link to its page. */
  private String overview(Principal p, String ok) throws DirectoryException, SieveStoreException, IOException {
    String user = p.address();
    StringBuilder b = new StringBuilder("<h1>Your account</h1>").append(Html.notice("ok", ok)).append("<p>You are logged in as <strong id=\"address\">")
        .append(Html.esc(user)).append("</strong>.</p><div class=\"cards\">");
    try {
      QuotaReport q = admin.quota(user);
      card(b, "quota", "Storage", AccountLayout.size(q.storage().used()), q.storage().limit() == 0 ? "no limit"
          : "of " + AccountLayout.size(q.storage().limit()) + " (" + q.storage().used() * 100 / q.storage().limit() + "%)",
          null);
      card(b, "messages", "Messages", Long.toString(q.messages().used()),
          q.messages().limit() == 0 ? "no limit" : "of " + q.messages().limit(), null);
    } catch (RuntimeException e) {
      log.warn("account: user={}: quota: {}", user, e.getMessage());
      card(b, "quota", "Storage", "?", "cannot be read now", null);
    }
    try {
      SpamAdmin.Stats s = admin.spam().stats(user);
      card(b, "spam", "Spam training", s.bayes().spam() + " spam, " + s.bayes().ham() + " good",
          s.perUser() ? "learned for you (move mail to or out of Junk to teach it)"
              : "learned for everyone on this server (mail you move to or out of Junk counts)", null);
    } catch (RuntimeException e) {
      log.warn("account: user={}: spam stats: {}", user, e.getMessage());
      card(b, "spam", "Spam training", "?", "cannot be read now", null);
    }
    int n = sessions.sessions(user).size();
    card(b, "sessions", "Browser sessions", Integer.toString(n), n <= 1 ? "this one" : "logged in, this one among them", null);
    if (n > 1 && p.session() != null) {
      b.setLength(b.length() - "</div>".length());
      b.append(AccountLayout.form(p, PREFIX + "sessions/end-others", "end-others",
          "<button type=\"submit\" class=\"secondary\" id=\"end-others-button\">Log out the others</button>")).append("</div>");
    }
    card(b, "app-passwords", "App passwords", Integer.toString(directory.security().appPasswords(user).size()),
        "for mail programs", "app-passwords");
    card(b, "tokens", "API tokens", Integer.toString(sessions.tokens(user).size()), "for JMAP programs", "tokens");
    card(b, "two-factor", "Two-step login", directory.security().totpSecret(user).isPresent() ? "on" : "off",
        "authenticator app", "two-factor");
    Vacations.Vacation v = vacations == null ? Vacations.Vacation.OFF : vacations.get(user);
    card(b, "vacation", "Vacation reply", v.activeAt(java.time.Instant.now()) ? "on" : v.enabled() ? "scheduled" : "off",
        "automatic answer", "vacation");
    Optional<SieveScripts.Script> active = scripts.active(user);
    card(b, "filters", "Filters", active.isEmpty() ? "none"
        : active.get().name().equals(FilterRules.SCRIPT_NAME)
            ? FilterRules.read(active.get().text()).map(r -> r.size() + (r.size() == 1 ? " rule" : " rules")).orElse("own script")
            : "own script", active.map(s -> "active: " + s.name()).orElse("all mail goes to the inbox"), "filters");
    int masked = directory.masks().list(user).size();
    card(b, "masks", "Masked addresses", Integer.toString(masked), "one per shop or newsletter", "masks");
    b.append("</div><p><a href=\"/account/apple.mobileconfig\" id=\"apple-profile\">Set up Mail on an iPhone, iPad"
        + " or Mac</a> <small>(a configuration profile without your password)</small></p>");
    return AccountLayout.page("Account", p, "", b.toString());
  }

  /** {@code POST /account/sessions/end-others}: every browser session of the user but this one ends. */
  private void endOtherSessions(Exchange x, Principal p) throws Exception {
    Optional<dev.postamt.web.Form> f = x.form(p);
    if (f.isEmpty()) {
      return;
    }
    int ended = p.session() == null ? 0 : sessions.deleteOthers(p.address(), p.session().id());
    x.html(200, overview(p, ended == 1 ? "The other browser session is logged out."
        : ended + " other browser sessions are logged out."));
  }

  private static void card(StringBuilder b, String id, String title, String big, String small, String link) {
    b.append("<div class=\"card\" id=\"card-").append(id).append("\"><div>").append(Html.esc(title))
        .append("</div><div class=\"big\">").append(Html.esc(big)).append("</div><small>").append(Html.esc(small))
        .append("</small>");
    if (link != null) {
      b.append("<div><a href=\"/account/").append(link).append("\">Manage</a></div>");
    }
    b.append("</div>");
  }
}
