package dev.postamt.account;

import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.directory.Masks;
import dev.postamt.web.Exchange;
import dev.postamt.web.Form;
import dev.postamt.web.Html;
import dev.postamt.web.Principal;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code /account/masks}: the user's masked addresses ({@link Masks}) — make one per correspondent,
 * see which are on, and switch one off (mail to it is then refused) or on again. Only the session
 * user's own masks are listed or changed: a mask of another user is answered like an unknown one.
 */
final class MasksPage {
  private final Directory directory;

  MasksPage(Directory directory) {
    this.directory = directory;
  }

  void handle(Exchange x, Principal p, String rest) throws IOException, DirectoryException {
    if (!x.method().equals("POST")) {
      if (!rest.equals("masks")) {
        x.redirect("/account/masks");
        return;
      }
      x.html(200, render(p, null, null, null, ""));
      return;
    }
    Optional<Form> f = x.form(p);
    if (f.isEmpty()) {
      return;
    }
    Masks masks = directory.masks();
    if (rest.equals("masks/off") || rest.equals("masks/on")) {
      boolean on = rest.equals("masks/on");
      String address = f.get().get("address");
      Optional<Masks.Mask> m = masks.lookup(address);
      if (m.isEmpty() || !m.get().owner().equals(p.address())) {
        x.html(404, render(p, null, null, "You have no masked address " + address + ".", ""));
        return;
      }
      masks.setEnabled(m.get().address(), on);
      x.html(200, render(p, null, on ? m.get().address() + " is on again: its mail reaches you."
          : m.get().address() + " is off: mail to it is refused.", null, ""));
      return;
    }
    String label = f.get().get("label");
    if (label.isBlank() || !label.matches(".*[A-Za-z0-9].*") || label.length() > 64) {
      x.html(400, render(p, null, null, "Give it a label of letters or digits, e.g. the shop's name.", label));
      return;
    }
    if (masks.list(p.address()).size() >= Masks.MAX_PER_USER) {
      x.html(400, render(p, null, null, "You have " + Masks.MAX_PER_USER + " masked addresses already.", label));
      return;
    }
    Masks.Mask made = masks.create(p.address(), label);
    x.html(200, render(p, made, null, null, ""));
  }

  private String render(Principal p, Masks.Mask made, String ok, String error, String label) throws DirectoryException {
    StringBuilder b = new StringBuilder("<h1>Masked addresses</h1>");
    b.append("<p class=\"hint\">Give each shop or newsletter its own address. Mail to it arrives in your inbox;"
        + " when one starts receiving spam, switch it off and only that address stops working.</p>");
    b.append(Html.notice("ok", ok));
    if (made != null) {
      b.append("<div class=\"secret-once\" id=\"new-mask\"><p>Your new address:</p><p><code id=\"mask\">")
          .append(Html.esc(made.address())).append("</code></p></div>");
    }
    b.append("<h2>Make a new one</h2>").append(AccountLayout.form(p, "/account/masks", "mask-form",
        AccountLayout.field("Label", AccountLayout.input("text", "label", label, "maxlength=\"64\" required"
            + " placeholder=\"shop\""), error, "who you give it to; it starts the address")
            + "<button type=\"submit\" id=\"create-mask\">Make address</button>"));
    List<Masks.Mask> list = directory.masks().list(p.address());
    b.append("<h2>Your masked addresses</h2>");
    if (list.isEmpty()) {
      b.append("<p id=\"masks-empty\">You have none.</p>");
    } else {
      b.append("<table id=\"masks\"><thead><tr><th>Address</th><th>Label</th><th>Made</th><th>State</th><th></th>"
          + "</tr></thead><tbody>");
      for (Masks.Mask m : list) {
        b.append("<tr><td><code>").append(Html.esc(m.address())).append("</code></td><td>").append(Html.esc(m.label()))
            .append("</td><td>").append(AccountLayout.time(m.created())).append("</td><td>")
            .append(m.enabled() ? "on" : "off").append("</td><td>")
            .append(m.enabled()
                ? AccountLayout.button(p, "/account/masks/off", "address", m.address(), "Switch off", "danger", null)
                : AccountLayout.button(p, "/account/masks/on", "address", m.address(), "Switch on", "secondary", null))
            .append("</td></tr>");
      }
      b.append("</tbody></table>");
    }
    return AccountLayout.page("Masked addresses", p, "masks", b.toString());
  }
}
