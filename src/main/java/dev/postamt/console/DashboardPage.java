package dev.postamt.console;

import dev.postamt.admin.Admin;
import dev.postamt.quarantine.Quarantine;
import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import java.util.List;

/**
 * {@code /admin/}: the counts an administrator looks at first (their domains, users and aliases, the
 * queue with how much is deferred or held, the quarantine, and for global administrators the bans),
 * each linking to its page. Recent rejects come with the event log (issue 23).
 */
final class DashboardPage implements ConsoleApp.Family {

  @Override
  public void get(ConsolePage c, String view) {
    if (!view.isEmpty()) {
      throw ConsoleException.notFound("There is no such page in the admin console.");
    }
    Admin a = c.admin;
    long domains = a.domains().stream().filter(c.scope::administers).count();
    List<Admin.Account> accounts = a.accounts().stream().filter(u -> c.scope.sees(u.address())).toList();
    long disabled = accounts.stream().filter(Admin.Account::disabled).count();
    long aliases = a.aliases().stream().filter(x -> c.scope.sees(x.address())).count();
    List<QueuedMessage> queue = QueuePage.visible(c, a.queue().list());
    long deferred = queue.stream().filter(m -> m.statuses().stream().anyMatch(s -> s instanceof RecipientStatus.TempFail)).count();
    long held = queue.stream().filter(QueuedMessage::held).count();
    List<Quarantine.Entry> quarantine = QuarantinePage.visible(c, a.quarantine().list());
    StringBuilder b = new StringBuilder("<h1>Dashboard</h1><div class=\"cards\" id=\"dashboard\">");
    card(b, "domains", "Domains", domains, "/admin/domains", "");
    card(b, "users", "Users", accounts.size(), "/admin/users", disabled == 0 ? "" : disabled + " disabled");
    card(b, "aliases", "Aliases", aliases, "/admin/aliases", "");
    card(b, "queue", "Queue", queue.size(), "/admin/queue", deferred + " deferred, " + held + " on hold");
    card(b, "quarantine", "Quarantine", quarantine.size(), "/admin/quarantine", "");
    if (c.scope.global()) {
      card(b, "bans", "Bans", a.bans().list().size(), "/admin/bans", "");
    }
    b.append("</div><p class=\"hint\">Recent rejects and the full trail of each message come with the event log (issue 23);"
        + " until then the <a href=\"/admin/message\">message view</a> shows what the queue and the quarantine know.</p>");
    c.show("Dashboard", "", b.toString());
  }

  private static void card(StringBuilder b, String id, String title, long n, String href, String note) {
    b.append("<a class=\"card\" id=\"card-").append(id).append("\" href=\"").append(href).append("\"><span>")
        .append(ConsolePage.esc(title)).append("</span><span class=\"big\">").append(n).append("</span>");
    if (!note.isEmpty()) {
      b.append("<small>").append(ConsolePage.esc(note)).append("</small>");
    }
    b.append("</a>");
  }

  @Override
  public void post(ConsolePage c, String action) {
    throw ConsoleException.notFound("There is nothing to post here.");
  }
}
