package dev.postamt.console;

import dev.postamt.admin.Admin;
import dev.postamt.web.Exchange;
import dev.postamt.web.Form;
import dev.postamt.web.Html;
import dev.postamt.web.Principal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * One request to the console as the page classes see it: who asks and what they may see ({@link
 * Scope}), the admin service, the POSTed form (its CSRF token already checked), and the shared
 * pieces of every page: the section bar, notices, tables and the small POST forms behind every button.
 * Every value written into a page goes through {@link #esc}.
 */
final class ConsolePage {
  /** The sections, in the order of the section bar; the last two are for global administrators only. */
  private static final List<String[]> SECTIONS = List.of(
      new String[] {"", "Dashboard"}, new String[] {"domains", "Domains"}, new String[] {"users", "Users"},
      new String[] {"aliases", "Aliases"}, new String[] {"dkim", "DKIM"}, new String[] {"queue", "Queue"},
      new String[] {"quarantine", "Quarantine"}, new String[] {"message", "Message"}, new String[] {"reports", "Reports"},
      new String[] {"trail", "Trail"},
      new String[] {"bans", "Bans"},
      new String[] {"greylist", "Greylist"});
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  final Exchange x;
  final Principal p;
  final Admin admin;
  final Scope scope;
  private final Form form;
  private final String flash;
  private final ConsoleApp.Flash flashes;

  /** The field the operation running now concerns, so that its error is shown next to it. */
  String field;
  /** A failed POST's error, shown by {@link #fieldError} next to its field, else above the page. */
  private String problemField;
  private String problemText;
  private boolean problemShown;
  private int status = 200;

  ConsolePage(Exchange x, Principal p, Admin admin, Form form, ConsoleApp.Flash flashes) {
    this.x = x;
    this.p = p;
    this.admin = admin;
    this.scope = new Scope(p.roles());
    this.form = form;
    this.flashes = flashes;
    this.flash = flashes.take(p);
  }

  /** A parameter of the request: the query string's, else the POSTed form's (for a page shown again after a failed POST). */
  String param(String name) {
    String q = x.query(name);
    if (q != null) {
      return q.strip();
    }
    return form == null ? "" : form.get(name);
  }

  /** The POSTed form; only for POST handlers. */
  Form form() {
    return form;
  }

  /** Remembers a failed POST's error; the page is then shown again with status {@code status}. */
  void problem(int status, String field, String text) {
    this.status = status;
    this.problemField = field;
    this.problemText = text;
  }

  /** The error of a failed POST when it concerns {@code name}, to put next to that field. */
  String fieldError(String name) {
    if (problemText == null || !name.equals(problemField)) {
      return "";
    }
    problemShown = true;
    return "<p class=\"field-error\" role=\"alert\">" + esc(problemText) + "</p>";
  }

  /** Sends the page: the section bar, the notices, then {@code body}. */
  void show(String title, String section, String body) {
    StringBuilder b = new StringBuilder(body.length() + 2048);
    // a stylesheet link is allowed in the body (HTML "body-ok"); the shared layout links postamt.css only
    b.append("<link rel=\"stylesheet\" href=\"/static/console.css\">");
    b.append("<nav class=\"console\" aria-label=\"Console sections\">");
    for (String[] s : SECTIONS) {
      if (!scope.global() && (s[0].equals("bans") || s[0].equals("greylist"))) {
        continue;
      }
      b.append("<a href=\"/admin/").append(s[0]).append('"');
      if (s[0].equals(section)) {
        b.append(" class=\"current\" aria-current=\"page\"");
      }
      b.append('>').append(s[1]).append("</a>");
    }
    b.append("</nav>");
    if (!scope.global()) {
      b.append("<p class=\"hint scope\">You administer ").append(esc(String.join(", ", p.roles().domains().stream().sorted().toList())))
          .append(".</p>");
    }
    b.append(Html.notice("ok", flash));
    if (problemText != null && !problemShown) {
      b.append(Html.notice("error", problemText));
    }
    b.append(body);
    x.html(status, Html.page(title, p, "/admin/", b.toString()));
  }

  /** After a change: says {@code message} on the next page (the session's one-time notice) and redirects there. */
  void done(String message, String location) {
    flashes.put(p, message);
    x.redirect(location);
  }

  void requireGlobal() {
    if (!scope.global()) {
      throw ConsoleException.forbidden("Only administrators of every domain may do this.");
    }
  }

  /** Refuses (404, as for an unknown one) an address outside the administrator's domains. */
  void requireSees(String address, String what) {
    if (!scope.sees(address)) {
      throw ConsoleException.notFound("There is no " + what + " " + address + " in the domains you administer.");
    }
  }

  /**
   * A domain administrator may not change an account with more power than their own (a global
   * administrator, or an administrator of a domain they do not administer): resetting its password
   * would be a way to become it.
   */
  void requireManageable(String address) {
    if (scope.global()) {
      return;
    }
    dev.postamt.directory.AccountSecurity.Roles target;
    try {
      target = admin.account(address).roles();
    } catch (dev.postamt.admin.AdminException e) {
      return; // no such user: the operation says so
    }
    if (target.admin() || !p.roles().domains().containsAll(target.domains())) {
      throw ConsoleException.forbidden("Only administrators of every domain may change the account of " + Admin.address(address)
          + ", who administers more than you do.");
    }
  }

  // ---- building blocks

  static String esc(String s) {
    return Html.esc(s);
  }

  static String url(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String when(Instant t) {
    return t == null ? "" : WHEN.format(t);
  }

  /** {@code 1.2 MB}, {@code 340 KB}, {@code 12 bytes}; 0 limit reads "unlimited". */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    String[] units = {"KB", "MB", "GB", "TB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, v >= 10 ? "%.0f %s" : "%.1f %s", v, units[u]);
  }

  /** A table; {@code rows} hold HTML (already escaped); {@code empty} is said when there are none. */
  static String table(String id, List<String> heads, List<List<String>> rows, String empty) {
    if (rows.isEmpty()) {
      return "<p class=\"hint\" id=\"" + id + "-empty\">" + esc(empty) + "</p>";
    }
    StringBuilder b = new StringBuilder("<table id=\"").append(id).append("\"><thead><tr>");
    for (String h : heads) {
      b.append("<th>").append(esc(h)).append("</th>");
    }
    b.append("</tr></thead><tbody>");
    for (List<String> r : rows) {
      b.append("<tr>");
      for (String cell : r) {
        b.append("<td>").append(cell).append("</td>");
      }
      b.append("</tr>");
    }
    return b.append("</tbody></table>").toString();
  }

  /** The opening of a POST form to {@code /admin/ACTION} with the CSRF token and {@code hidden} name/value pairs. */
  String formStart(String action, String cls, String... hidden) {
    StringBuilder b = new StringBuilder("<form method=\"post\" action=\"/admin/").append(esc(action)).append('"');
    if (cls != null) {
      b.append(" class=\"").append(cls).append('"');
    }
    b.append('>').append(Html.csrfField(p));
    for (int i = 0; i + 1 < hidden.length; i += 2) {
      b.append("<input type=\"hidden\" name=\"").append(esc(hidden[i])).append("\" value=\"").append(esc(hidden[i + 1]))
          .append("\">");
    }
    return b.toString();
  }

  /** A one-button POST form; {@code cls} is {@code secondary} or {@code danger} or null. */
  String button(String action, String label, String cls, String... hidden) {
    return formStart(action, "inline", hidden) + "<button type=\"submit\"" + (cls == null ? "" : " class=\"" + cls + "\"")
        + " data-action=\"" + esc(action) + "\">" + esc(label) + "</button></form>";
  }

  /** A labelled text input with its error (if the last POST failed on it). */
  String input(String name, String label, String type, String value, String hint) {
    return "<label for=\"" + esc(name) + "\">" + esc(label) + "</label><input type=\"" + type + "\" id=\"" + esc(name)
        + "\" name=\"" + esc(name) + "\" value=\"" + esc(value) + "\">" + (hint == null ? "" : "<small>" + esc(hint) + "</small>")
        + fieldError(name);
  }

  static String link(String href, String text) {
    return "<a href=\"" + esc(href) + "\">" + esc(text) + "</a>";
  }

  /** A status word as a coloured label. */
  static String badge(String text, boolean good) {
    return "<span class=\"" + (good ? "good" : "bad") + "\">" + esc(text) + "</span>";
  }
}
