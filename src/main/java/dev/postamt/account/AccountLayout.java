package dev.postamt.account;

import dev.postamt.web.Html;
import dev.postamt.web.Principal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What every self-service page shares: the shared layout with the account's own menu, form fields
 * with their error message next to them, and times shown the same way everywhere.
 */
final class AccountLayout {
  private AccountLayout() {}

  /** The account's pages, in menu order: path below {@code /account/} and label. */
  static final List<Map.Entry<String, String>> MENU = List.of(
      Map.entry("", "Overview"),
      Map.entry("password", "Password"),
      Map.entry("app-passwords", "App passwords"),
      Map.entry("tokens", "API tokens"),
      Map.entry("two-factor", "Two-step login"),
      Map.entry("vacation", "Vacation reply"),
      Map.entry("filters", "Filters"),
      Map.entry("collect", "Collected accounts"),
      Map.entry("masks", "Masked addresses"));

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  /**
   * A whole page of the account section.
   *
   * @param current the menu entry to mark (a key of {@link #MENU})
   * @param body HTML with every value already escaped
   */
  static String page(String title, Principal p, String current, String body) {
    StringBuilder b = new StringBuilder(body.length() + 1024);
    b.append("<link rel=\"stylesheet\" href=\"/static/account.css\">");
    b.append("<div class=\"account\"><nav class=\"account-menu\" aria-label=\"Account\">");
    for (Map.Entry<String, String> e : MENU) {
      b.append("<a href=\"/account/").append(e.getKey()).append('"');
      if (e.getKey().equals(current)) {
        b.append(" class=\"current\" aria-current=\"page\"");
      }
      b.append(" id=\"menu-").append(e.getKey().isEmpty() ? "overview" : e.getKey()).append("\">")
          .append(Html.esc(e.getValue())).append("</a>");
    }
    b.append("</nav><div class=\"account-body\">").append(body).append("</div></div>");
    return Html.page(title, p, "/account/", b.toString());
  }

  /**
   * A labelled input with its error (when there is one) right below it.
   *
   * @param input the input element's HTML (its {@code name} and {@code id} set by the caller)
   */
  static String field(String label, String input, String error, String hint) {
    StringBuilder b = new StringBuilder();
    b.append("<label").append(error == null ? "" : " class=\"has-error\"").append('>').append(Html.esc(label)).append(' ');
    if (hint != null && !hint.isEmpty()) {
      b.append("<small>").append(Html.esc(hint)).append("</small> ");
    }
    b.append(input);
    if (error != null) {
      b.append("<span class=\"field-error\" role=\"alert\">").append(Html.esc(error)).append("</span>");
    }
    return b.append("</label>").toString();
  }

  /** An {@code <input>} of {@code type} named and identified {@code name}. */
  static String input(String type, String name, String value, String extra) {
    return "<input type=\"" + type + "\" name=\"" + name + "\" id=\"" + name + "\" value=\"" + Html.esc(value) + "\""
        + (extra == null || extra.isEmpty() ? "" : " " + extra) + ">";
  }

  /** A POST form to {@code action} with the CSRF token. */
  static String form(Principal p, String action, String id, String fields) {
    return "<form method=\"post\" action=\"" + action + "\"" + (id == null ? "" : " id=\"" + id + "\"") + ">"
        + Html.csrfField(p) + fields + "</form>";
  }

  /** A small form with one button (revoke, remove) carrying one hidden value. */
  static String button(Principal p, String action, String name, String value, String label, String cssClass, String id) {
    return "<form class=\"inline\" method=\"post\" action=\"" + action + "\">" + Html.csrfField(p)
        + "<input type=\"hidden\" name=\"" + name + "\" value=\"" + Html.esc(value) + "\">"
        + "<button type=\"submit\" class=\"" + cssClass + "\"" + (id == null ? "" : " id=\"" + Html.esc(id) + "\"") + ">"
        + Html.esc(label) + "</button></form>";
  }

  /** {@code 2026-05-01 14:03 UTC}, or {@code never} for null. */
  static String time(Instant t) {
    return t == null ? "never" : TIME.format(t);
  }

  /** A size in bytes as a person reads it. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
