package dev.postamt.web;

/**
 * Server-rendered pages: escaping and the one layout every console page shares (a header with the
 * sections the principal may use and a logout button, our stylesheet, no inline script). Every value
 * put into a page goes through {@link #esc}; every form that changes something carries {@link
 * #csrfField}.
 */
public final class Html {
  private Html() {}

  /** Escapes text for an HTML element or a double-quoted attribute. */
  public static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** The hidden input that carries the session's CSRF token in a form. */
  public static String csrfField(Principal p) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(p == null ? "" : p.csrf()) + "\">";
  }

  /**
   * A whole page.
   *
   * @param p who is logged in; null on the login page
   * @param section the current section's prefix ({@code /admin/}, {@code /account/}, {@code /mail/}) to mark in the header
   * @param body HTML, already escaped where it holds data
   */
  public static String page(String title, Principal p, String section, String body) {
    StringBuilder b = new StringBuilder(4096);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(esc(title)).append(" · Postamt</title>")
        .append("<link rel=\"stylesheet\" href=\"/static/postamt.css\">");
    if (p != null && p.session() != null) {
      b.append("<meta name=\"csrf-token\" content=\"").append(esc(p.csrf())).append("\">");
    }
    b.append("</head><body><header class=\"top\"><span class=\"brand\">Postamt</span>");
    if (p != null) {
      b.append("<nav>");
      nav(b, "/mail/", "Mail", section);
      nav(b, "/account/", "Account", section);
      if (p.admin()) {
        nav(b, "/admin/", "Admin", section);
      }
      b.append("</nav><form class=\"logout\" method=\"post\" action=\"/logout\">").append(csrfField(p))
          .append("<span class=\"who\">").append(esc(p.address())).append("</span>")
          .append("<button type=\"submit\" id=\"logout\">Log out</button></form>");
    }
    b.append("</header><main>").append(body).append("</main></body></html>\n");
    return b.toString();
  }

  private static void nav(StringBuilder b, String href, String label, String section) {
    b.append("<a href=\"").append(href).append('"');
    if (href.equals(section)) {
      b.append(" class=\"current\" aria-current=\"page\"");
    }
    b.append('>').append(label).append("</a>");
  }

  /** A notice box: {@code kind} is {@code ok} or {@code error}. */
  public static String notice(String kind, String text) {
    return text == null || text.isEmpty() ? "" : "<p class=\"notice " + esc(kind) + "\" role=\"status\">" + esc(text) + "</p>";
  }
}
