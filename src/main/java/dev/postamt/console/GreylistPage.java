package dev.postamt.console;

import dev.postamt.admin.GreylistAdmin;
import dev.postamt.policy.GreylistStore;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /admin/greylist} (global administrators only): the greylist's most recently seen triplets
 * (client network, sender, recipient) with whether a retry passed, and forgetting one ({@link
 * GreylistAdmin}).
 */
final class GreylistPage implements ConsoleApp.Family {

  @Override
  public void get(ConsolePage c, String view) {
    c.requireGlobal();
    if (!view.isEmpty()) {
      throw ConsoleException.notFound("There is no such page in the admin console.");
    }
    GreylistAdmin g = c.admin.greylist();
    List<List<String>> rows = new ArrayList<>();
    for (GreylistStore.Triplet t : g.list()) {
      rows.add(List.of("<code>" + ConsolePage.esc(t.key()) + "</code>", ConsolePage.esc(ConsolePage.when(t.entry().firstSeen())),
          ConsolePage.esc(ConsolePage.when(t.entry().lastSeen())), t.entry().passed() ? "passed" : "waiting",
          c.button("greylist/remove", "Forget", "secondary", "triplet", t.key())));
    }
    String body = "<h1>Greylist</h1><p class=\"hint\">Greylisting is " + (g.enabled() ? "on" : "off ([greylist] enabled = false)")
        + ". Each triplet is client network / sender / recipient; the " + GreylistAdmin.LIST_LIMIT
        + " seen most recently are shown. A forgotten triplet is greylisted afresh at its next attempt.</p>"
        + ConsolePage.table("greylist", List.of("Triplet", "First seen", "Last seen", "State", ""), rows, "No triplets.");
    c.show("Greylist", "greylist", body);
  }

  @Override
  public void post(ConsolePage c, String action) {
    c.requireGlobal();
    if (!action.equals("remove")) {
      throw ConsoleException.notFound("There is no such action.");
    }
    c.done(QueuePage.capital(c.admin.greylist().remove(c.form().get("triplet"))) + ".", "/admin/greylist");
  }
}
