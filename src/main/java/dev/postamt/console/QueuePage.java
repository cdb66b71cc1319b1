package dev.postamt.console;

import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /admin/queue}: the queued messages that concern the administrator's domains (sender or a
 * recipient in one), like {@code postamt queue list}, with hold, release, retry now and delete per
 * message and, for global administrators, flush (retry every deferred message). A message's details
 * are the {@link MessagePage}. Changes go through {@link dev.postamt.admin.QueueOperations}, so a
 * running server acts on them at once.
 */
final class QueuePage implements ConsoleApp.Family {

  /** The messages whose envelope names one of the administrator's domains. */
  static List<QueuedMessage> visible(ConsolePage c, List<QueuedMessage> all) {
    return all.stream().filter(m -> c.scope.seesAny(addresses(m))).toList();
  }

  static List<String> addresses(QueuedMessage m) {
    List<String> out = new ArrayList<>(m.envelope().recipientAddresses());
    out.add(m.envelope().sender());
    return out;
  }

  @Override
  public void get(ConsolePage c, String view) {
    if (view.equals("show")) {
      c.x.redirect("/admin/message?id=" + ConsolePage.url(c.param("id")));
      return;
    }
    if (!view.isEmpty()) {
      throw ConsoleException.notFound("There is no such page in the admin console.");
    }
    List<List<String>> rows = new ArrayList<>();
    for (QueuedMessage m : visible(c, c.admin.queue().list())) {
      StringBuilder to = new StringBuilder();
      for (int i = 0; i < m.statuses().size(); i++) {
        to.append("<div>").append(ConsolePage.esc(m.envelope().recipients().get(i).address())).append(" <small>")
            .append(ConsolePage.esc(brief(m.statuses().get(i)))).append("</small></div>");
      }
      String id = m.id();
      String actions = (m.held() ? c.button("queue/release", "Release", null, "id", id)
          : c.button("queue/hold", "Hold", "secondary", "id", id) + " " + c.button("queue/requeue", "Retry now", "secondary", "id", id))
          + " " + c.button("queue/delete", "Delete", "danger", "id", id);
      rows.add(List.of(ConsolePage.link("/admin/message?id=" + ConsolePage.url(id), id) + (m.held() ? " <small>on hold</small>" : ""),
          ConsolePage.esc(ConsolePage.when(m.envelope().arrival())), ConsolePage.esc(ConsolePage.size(m.size())),
          ConsolePage.esc(m.envelope().sender().isEmpty() ? "<> (a bounce)" : m.envelope().sender()), to.toString(), actions));
    }
    StringBuilder b = new StringBuilder("<h1>Queue</h1>");
    if (c.scope.global()) {
      b.append("<p>").append(c.button("queue/flush", "Flush: retry every deferred message now", "secondary")).append("</p>");
    }
    b.append(ConsolePage.table("queue", List.of("Id", "Arrived", "Size", "Sender", "Recipients", ""), rows, "The queue is empty."));
    c.show("Queue", "queue", b.toString());
  }

  /** One recipient's state in a few words. */
  static String brief(RecipientStatus s) {
    return switch (s) {
      case RecipientStatus.Scheduled x -> "scheduled";
      case RecipientStatus.Delivered d -> "delivered";
      case RecipientStatus.PermFail p -> "failed: " + p.reason();
      case RecipientStatus.TempFail t -> "deferred (" + t.attempts() + (t.attempts() == 1 ? " attempt): " : " attempts): ") + t.reason();
    };
  }

  @Override
  public void post(ConsolePage c, String action) {
    if (action.equals("flush")) {
      c.requireGlobal();
      c.done("Flush: " + c.admin.queue().flush() + ".", "/admin/queue");
      return;
    }
    String id = c.form().get("id");
    check(c, id);
    String back = c.form().get("view").equals("message") ? "/admin/message?id=" + ConsolePage.url(id) : "/admin/queue";
    String line = switch (action) {
      case "hold" -> c.admin.queue().hold(id);
      case "release" -> c.admin.queue().release(id);
      case "requeue" -> c.admin.queue().requeue(id);
      case "delete" -> c.admin.queue().delete(id);
      default -> throw ConsoleException.notFound("There is no such action.");
    };
    c.done(capital(line) + ".", action.equals("delete") ? "/admin/queue" : back);
  }

  /** Refuses an id that is not queued, or whose envelope names none of the administrator's domains, alike. */
  static void check(ConsolePage c, String id) {
    QueuedMessage m;
    try {
      m = c.admin.queue().show(id);
    } catch (dev.postamt.admin.AdminException e) {
      throw ConsoleException.notFound("There is no message " + id + " in the queue.");
    }
    if (!c.scope.seesAny(addresses(m))) {
      throw ConsoleException.notFound("There is no message " + id + " in the queue.");
    }
  }

  static String capital(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
