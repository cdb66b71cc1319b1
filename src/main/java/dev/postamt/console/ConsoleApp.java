package dev.postamt.console;

import dev.postamt.admin.Admin;
import dev.postamt.admin.AdminException;
import dev.postamt.config.Config;
import dev.postamt.web.Exchange;
import dev.postamt.web.Form;
import dev.postamt.web.Principal;
import dev.postamt.web.WebApp;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin console at {@code /admin/}: server-rendered pages, one class per family ({@link
 * DashboardPage}, {@link DomainsPage}, {@link UsersPage}, {@link AliasesPage}, {@link DkimPage},
 * {@link QueuePage}, {@link MessagePage}, {@link QuarantinePage}, {@link BansPage}, {@link
 * GreylistPage}, {@link ReportsPage}). Every request is checked here before a page runs: logged in and an administrator
 * ({@link Exchange#requireAdmin()}, read from the directory per request), and for a POST the session's
 * CSRF token and the origin ({@link Exchange#form}). The pages then check each named user, alias,
 * domain or message against the administrator's {@link Scope}.
 *
 * <p>Paths are {@code /admin/SECTION[/VIEW]} for pages and {@code /admin/SECTION/ACTION} for POSTs; a
 * POST that succeeds redirects (303) to a page that says what was done; one that fails shows its page
 * again with the error next to the field (400), or an error page (403, 404). Every operation is one
 * call of {@link Admin}, the service the CLI uses.
 */
public final class ConsoleApp implements WebApp {
  private static final Logger log = LoggerFactory.getLogger(ConsoleApp.class);

  /** What a family of pages answers: a page ({@code GET}) or a change ({@code POST}). */
  interface Family {
    void get(ConsolePage c, String view) throws Exception;

    void post(ConsolePage c, String action) throws Exception;
  }

  private static final Map<String, Family> FAMILIES = Map.ofEntries(
      Map.entry("", new DashboardPage()),
      Map.entry("domains", new DomainsPage()),
      Map.entry("users", new UsersPage()),
      Map.entry("aliases", new AliasesPage()),
      Map.entry("dkim", new DkimPage()),
      Map.entry("queue", new QueuePage()),
      Map.entry("message", new MessagePage()),
      Map.entry("quarantine", new QuarantinePage()),
      Map.entry("bans", new BansPage()),
      Map.entry("greylist", new GreylistPage()),
      Map.entry("reports", new ReportsPage()),
      Map.entry("trail", new TrailPage()));

  private final Supplier<Config> config;
  private final Flash flash = new Flash();

  /** @param config the running configuration (read per request, so a reload is seen) */
  public ConsoleApp(Supplier<Config> config) {
    this.config = config;
  }

  @Override
  public String prefix() {
    return "/admin/";
  }

  @Override
  public void handle(Exchange x) throws Exception {
    if (x.method().equals("POST") && !x.principal().map(Principal::admin).orElse(false)) {
      drain(x); // read the refused form first: an HTTP/2 stream answered unread is reset, and the client sees no answer
    }
    Optional<Principal> who = x.requireAdmin();
    if (who.isEmpty()) {
      return;
    }
    Principal p = who.get();
    String rest = x.path().substring(prefix().length());
    int slash = rest.indexOf('/');
    String section = slash < 0 ? rest : rest.substring(0, slash);
    String sub = slash < 0 ? "" : rest.substring(slash + 1);
    Family family = FAMILIES.get(section);
    if (family == null || sub.contains("/")) {
      x.errorPage(404, "There is no such page in the admin console.");
      return;
    }
    boolean post = x.method().equals("POST");
    if (!post && !x.method().equals("GET") && !x.method().equals("HEAD")) {
      x.errorPage(405, "Use the pages and their buttons.");
      return;
    }
    Form form = null;
    if (post) {
      Optional<Form> f = x.form(p);
      if (f.isEmpty()) {
        return; // refused: no CSRF token, another origin, too large
      }
      form = f.get();
    }
    ConsolePage c = new ConsolePage(x, p, new Admin(config.get()), form, flash);
    try {
      if (post) {
        family.post(c, sub);
      } else {
        family.get(c, sub);
      }
    } catch (ConsoleException e) {
      if (e.status == 400 && post) {
        again(family, c, e.field, e.getMessage());
      } else {
        x.errorPage(e.status, e.getMessage());
      }
    } catch (AdminException e) {
      if (post) {
        again(family, c, c.field, e.getMessage());
      } else {
        log.debug("console {}: {}", x.path(), e.getMessage());
        x.errorPage(e.getMessage().contains("does not exist") || e.getMessage().contains("no message") ? 404 : 400,
            e.getMessage());
      }
    }
  }

  private static void drain(Exchange x) {
    try {
      java.io.InputStream in = org.eclipse.jetty.io.Content.Source.asInputStream(x.request());
      byte[] buf = new byte[8192];
      long total = 0;
      for (int n; total <= Exchange.MAX_FORM_BYTES && (n = in.read(buf)) > 0; ) {
        total += n;
      }
    } catch (java.io.IOException | RuntimeException e) {
      log.debug("console: unread form of a refused POST: {}", e.toString());
    }
  }

  /** A failed change: its page again, the error next to the field, status 400. */
  private static void again(Family family, ConsolePage c, String field, String message) throws Exception {
    c.problem(400, field, message);
    try {
      family.get(c, c.param("view"));
    } catch (ConsoleException | AdminException e) {
      c.x.errorPage(400, message);
    }
  }

  /** One notice per browser session, said on the page after a change and then forgotten. */
  static final class Flash {
    private static final int MAX = 10_000;
    private final Map<String, String> notices = new ConcurrentHashMap<>();

    void put(Principal p, String message) {
      if (p.session() == null) {
        return;
      }
      if (notices.size() >= MAX) {
        notices.clear(); // only notices are lost, never a change
      }
      notices.put(p.session().id(), message);
    }

    String take(Principal p) {
      return p.session() == null ? null : notices.remove(p.session().id());
    }
  }
}
