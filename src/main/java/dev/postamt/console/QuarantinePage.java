package dev.postamt.console;

import dev.postamt.quarantine.Quarantine;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /admin/quarantine}: the held messages that concern the administrator's domains (a recipient
 * or the sender in one), with why each is held; releasing one sends it on to its original recipients
 * ({@link dev.postamt.admin.QuarantineAdmin#release}), deleting drops it. The headers and verdict of
 * one message are on the {@link MessagePage}.
 */
final class QuarantinePage implements ConsoleApp.Family {

  static List<Quarantine.Entry> visible(ConsolePage c, List<Quarantine.Entry> all) {
    return all.stream().filter(e -> c.scope.seesAny(addresses(e))).toList();
  }

  static List<String> addresses(Quarantine.Entry e) {
    List<String> out = new ArrayList<>(e.recipients());
    out.add(e.sender());
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
    for (Quarantine.Entry e : visible(c, c.admin.quarantine().list())) {
      rows.add(List.of(ConsolePage.link("/admin/message?id=" + ConsolePage.url(e.id()), e.id()),
          ConsolePage.esc(ConsolePage.when(e.held())), ConsolePage.esc(e.kind().word()), ConsolePage.esc(e.reason()),
          ConsolePage.esc(e.sender().isEmpty() ? "<>" : e.sender()), ConsolePage.esc(String.join(", ", e.recipients())),
          ConsolePage.esc(e.subject()),
          c.button("quarantine/release", "Release", null, "id", e.id()) + " "
              + c.button("quarantine/delete", "Delete", "danger", "id", e.id())));
    }
    String body = "<h1>Quarantine</h1><p class=\"hint\">Held instead of delivered: a virus, a forbidden attachment, or a"
        + " spam score over <code>spam.quarantine</code>. Release sends a message on to its original recipients.</p>"
        + ConsolePage.table("quarantine", List.of("Id", "Held", "Kind", "Reason", "Sender", "Recipients", "Subject", ""), rows,
            "Nothing is held.");
    c.show("Quarantine", "quarantine", body);
  }

  @Override
  public void post(ConsolePage c, String action) {
    String id = c.form().get("id");
    check(c, id);
    switch (action) {
      case "release" -> c.done(QueuePage.capital(c.admin.quarantine().release(id)) + ".", "/admin/quarantine");
      case "delete" -> c.done(QueuePage.capital(c.admin.quarantine().delete(id)) + ".", "/admin/quarantine");
      default -> throw ConsoleException.notFound("There is no such action.");
    }
  }

  /** Refuses an id that is not held, or held for none of the administrator's domains, alike. */
  static Quarantine.Entry check(ConsolePage c, String id) {
    if (!Quarantine.validId(id)) {
      throw ConsoleException.notFound("No message " + id + " is held.");
    }
    Quarantine.Entry e;
    try {
      e = c.admin.quarantine().show(id);
    } catch (dev.postamt.admin.AdminException ex) {
      throw ConsoleException.notFound("No message " + id + " is held.");
    }
    if (!c.scope.seesAny(addresses(e))) {
      throw ConsoleException.notFound("No message " + id + " is held.");
    }
    return e;
  }
}
