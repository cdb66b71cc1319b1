package dev.postamt.console;

import dev.postamt.admin.BanAdmin;
import dev.postamt.ban.BanList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code /admin/bans} (global administrators only): the bans holding now, which every protocol's
 * listener enforces, adding one for a duration and lifting one ({@link BanAdmin}, as {@code postamt
 * ban}); the running server is told at once.
 */
final class BansPage implements ConsoleApp.Family {

  @Override
  public void get(ConsolePage c, String view) {
    c.requireGlobal();
    if (!view.isEmpty()) {
      throw ConsoleException.notFound("There is no such page in the admin console.");
    }
    List<List<String>> rows = new ArrayList<>();
    for (BanList.Entry e : c.admin.bans().list()) {
      rows.add(List.of("<code>" + ConsolePage.esc(e.network()) + "</code>", ConsolePage.esc(ConsolePage.when(e.since())),
          ConsolePage.esc(e.until().map(ConsolePage::when).orElse("permanent")), Integer.toString(e.count()),
          ConsolePage.esc(e.reason()), c.button("bans/remove", "Lift", "secondary", "target", e.network())));
    }
    String body = "<h1>Bans</h1><p class=\"hint\">A banned address (an IPv6 address bans its /64) cannot connect to any"
        + " service, the web included. Repeated failed logins ban an address by themselves.</p>"
        + ConsolePage.table("bans", List.of("Address", "Since", "Until", "Count", "Reason", ""), rows, "Nobody is banned.")
        + "<h2>Ban an address</h2>" + c.formStart("bans/add", "add", "view", "")
        + c.input("target", "Address or network", "text", c.param("target"), "e.g. 192.0.2.7 or 198.51.100.0/24")
        + c.input("for", "For", "text", c.param("for"), "a duration like 30m, 12h, 7d, or permanent; empty for [ban] duration")
        + "<button type=\"submit\" id=\"add-ban\">Ban</button></form>";
    c.show("Bans", "bans", body);
  }

  @Override
  public void post(ConsolePage c, String action) {
    c.requireGlobal();
    String target = c.form().get("target");
    c.field = "target";
    if (target.isEmpty()) {
      throw ConsoleException.invalid("target", "Enter an address or network.");
    }
    switch (action) {
      case "add" -> {
        String length = c.form().get("for");
        if (!length.isEmpty() && !length.matches("(?i)permanent|forever|\\d{1,9}[smhdw]")) {
          throw ConsoleException.invalid("for", "Enter a duration like 30m, 12h, 7d, or permanent.");
        }
        BanAdmin.Result r = c.admin.bans().add(target, length.isEmpty() ? Optional.empty() : Optional.of(length));
        c.done("Banned " + r.entry().network() + r.entry().until().map(u -> " until " + ConsolePage.when(u)).orElse(" for good")
            + (r.serverTold() ? "." : " (the server reads it when it starts)."), "/admin/bans");
      }
      case "remove" -> {
        c.admin.bans().remove(target);
        c.done("Lifted the ban of " + target + ".", "/admin/bans");
      }
      default -> throw ConsoleException.notFound("There is no such action.");
    }
  }
}
