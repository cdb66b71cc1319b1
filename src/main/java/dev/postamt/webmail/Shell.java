package dev.postamt.webmail;

import dev.postamt.web.Html;
import dev.postamt.web.Principal;

/**
 * The page {@code /mail/} answers with: the empty panes of the app (folders, list, reader, composer)
 * with stable ids the app and the browser tests find, the header with links to the account pages
 * (filters, vacation) and the logout form, and the two versioned files. No inline script or style:
 * the CSP forbids both.
 */
final class Shell {
  private Shell() {}

  static String page(Principal p, Assets assets) {
    StringBuilder b = new StringBuilder(4096);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Mail · Postamt</title>")
        .append("<link rel=\"stylesheet\" href=\"").append(assets.path("mail.css")).append("\">")
        .append("<link rel=\"modulepreload\" href=\"").append(assets.path("api.js")).append("\">")
        .append("<script type=\"module\" src=\"").append(assets.path("app.js")).append("\"></script>")
        .append("</head><body class=\"wm\">")
        .append("<header class=\"wm-top\">")
        .append("<button type=\"button\" id=\"menu\" class=\"icon\" aria-label=\"Folders\">&#9776;</button>")
        .append("<a class=\"brand\" href=\"/mail/\">Postamt</a>")
        .append("<form id=\"search-form\" role=\"search\"><input type=\"search\" id=\"search\" name=\"q\" ")
        .append("placeholder=\"Search — from: to: subject: after: before: has:attachment\" aria-label=\"Search\"></form>")
        .append("<nav><a href=\"/mail/\" class=\"current\" aria-current=\"page\">Mail</a>")
        .append("<a href=\"/account/\" title=\"Filters, vacation, password\">Account</a>");
    if (p.admin()) {
      b.append("<a href=\"/admin/\">Admin</a>");
    }
    b.append("</nav><form class=\"logout\" method=\"post\" action=\"/logout\">").append(Html.csrfField(p))
        .append("<span class=\"who\">").append(Html.esc(p.address())).append("</span>")
        .append("<button type=\"submit\" id=\"logout\">Log out</button></form></header>")
        .append("<div class=\"panes\" id=\"panes\">")
        .append("<aside id=\"folders-pane\"><button type=\"button\" id=\"compose\" class=\"primary\">Compose</button>")
        .append("<ul id=\"folders\" role=\"tree\" aria-label=\"Folders\"></ul>")
        .append("<div class=\"folder-tools\"><button type=\"button\" id=\"folder-new\">New folder</button>")
        .append("<button type=\"button\" id=\"folder-rename\">Rename</button>")
        .append("<button type=\"button\" id=\"folder-delete\">Delete</button></div>")
        .append("<p class=\"links\"><a href=\"/account/\">Filters and vacation</a></p></aside>")
        .append("<section id=\"list-pane\" aria-label=\"Messages\"><div class=\"toolbar\">")
        .append("<label>Sort <select id=\"sort\"><option value=\"receivedAt\">Date</option><option value=\"from\">From</option>")
        .append("<option value=\"subject\">Subject</option><option value=\"size\">Size</option></select></label>")
        .append("<label>Show <select id=\"show\"><option value=\"all\">All</option><option value=\"unread\">Unread</option>")
        .append("<option value=\"flagged\">Flagged</option></select></label>")
        .append("<label title=\"One row per conversation\"><input type=\"checkbox\" id=\"threads\"> Threads</label>")
        .append("<span class=\"pager\"><button type=\"button\" id=\"prev\" aria-label=\"Newer\">&lsaquo;</button>")
        .append("<span id=\"range\"></span><button type=\"button\" id=\"next\" aria-label=\"Older\">&rsaquo;</button></span></div>")
        .append("<ul id=\"messages\" role=\"listbox\" aria-label=\"Messages\"></ul></section>")
        .append("<section id=\"reader-pane\" aria-label=\"Message\"><div id=\"reader\"><p class=\"empty\">")
        .append("No message selected. Keys: j/k next/previous, r reply, a reply all, f forward, c compose, ")
        .append("# delete, / search, . mark read/unread, s flag, v move.</p></div></section>")
        .append("</div><div id=\"status\" role=\"status\" aria-live=\"polite\"></div>")
        .append("</body></html>\n");
    return b.toString();
  }
}
