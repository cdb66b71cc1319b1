package dev.postamt.account;

import dev.postamt.sieve.Diagnostic;
import dev.postamt.sieve.ScriptLoader;
import dev.postamt.sieve.SieveCompileException;
import dev.postamt.sieve.SieveCompiler;
import dev.postamt.sieve.ext.Extensions;
import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.SieveStoreException;
import dev.postamt.sieve.store.SqliteSieveScripts;
import dev.postamt.web.Exchange;
import dev.postamt.web.Form;
import dev.postamt.web.Html;
import dev.postamt.web.Principal;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code /account/filters/raw}: the user's Sieve scripts (RFC 5228) as text, for what the rule builder
 * cannot say. A script is compiled before it is stored, with the compiler {@code postamt sieve check}
 * and ManageSieve use; one that does not compile is not stored, and its errors are shown as {@code
 * LINE:COLUMN: message} with the line they point at. The user also picks the active script (or none),
 * and deletes scripts that are not active (RFC 5804 §2.10 forbids deleting the active one).
 */
final class SieveEditorPage {
  private final SieveScripts scripts;

  SieveEditorPage(SieveScripts scripts) {
    this.scripts = scripts;
  }

  /** The outcome of compiling: no errors means it compiles. */
  record Check(List<Diagnostic> errors, List<Diagnostic> warnings) {}

  /** Compiles {@code text} as the user's script; personal includes find the user's stored scripts. */
  Check compile(String user, String name, String text) {
    ScriptLoader personal = (n, location) -> {
      if (location != ScriptLoader.Location.PERSONAL) {
        return Optional.empty();
      }
      try {
        return scripts.get(user, n).map(SieveScripts.Script::text);
      } catch (SieveStoreException e) {
        return Optional.empty();
      }
    };
    SieveCompiler compiler = Extensions.standardCompiler().withLoader(personal);
    try {
      return new Check(List.of(), compiler.compile(name, text).warnings());
    } catch (SieveCompileException e) {
      return new Check(e.errors(), List.of());
    }
  }

  void handle(Exchange x, Principal p, String rest) throws IOException, SieveStoreException {
    String user = p.address();
    if (!x.method().equals("POST")) {
      if (!rest.equals("filters/raw")) {
        x.redirect("/account/filters/raw");
        return;
      }
      String name = x.query("name");
      if (name == null || name.isBlank()) {
        name = scripts.active(user).map(SieveScripts.Script::name).orElse("main");
      }
      Optional<SieveScripts.Script> s = scripts.get(user, name);
      x.html(s.isPresent() || x.query("name") == null ? 200 : 404, render(p, name, s.map(SieveScripts.Script::text).orElse(""),
          s.map(SieveScripts.Script::active).orElse(scripts.active(user).isEmpty()), null, null, null,
          s.isEmpty() && x.query("name") != null ? "You have no script named \u201c" + name + "\u201d; saving makes it." : null));
      return;
    }
    Optional<Form> f = x.form(p);
    if (f.isEmpty()) {
      return;
    }
    switch (rest) {
      case "filters/raw" -> save(x, p, f.get());
      case "filters/raw/delete" -> {
        String name = f.get().get("name");
        try {
          scripts.delete(user, name);
          x.html(200, renderCurrent(p, "The script \u201c" + name + "\u201d is deleted."));
        } catch (SieveStoreException e) {
          if (e.kind() == SieveStoreException.Kind.STORAGE) {
            throw e;
          }
          x.html(400, render(p, name, scripts.get(user, name).map(SieveScripts.Script::text).orElse(""), false, null, null,
              null, e.getMessage()));
        }
      }
      case "filters/raw/off" -> {
        scripts.activate(user, null);
        x.html(200, renderCurrent(p, "No script is active now: all mail goes to your inbox."));
      }
      default -> x.errorPage(404, "There is no such page.");
    }
  }

  private void save(Exchange x, Principal p, Form f) throws IOException, SieveStoreException {
    String user = p.address();
    String name = f.get("name");
    String text = f.raw("script").replace("\r\n", "\n");
    boolean activate = f.has("activate");
    String nameProblem = SqliteSieveScripts.nameProblem(name);
    if (nameProblem != null) {
      x.html(400, render(p, name, text, activate, "The name is not allowed: " + nameProblem + ".", null, null, null));
      return;
    }
    Check c = compile(user, name, text);
    if (!c.errors().isEmpty()) {
      x.html(400, render(p, name, text, activate, null, c, null, "The script has errors and was not saved."));
      return;
    }
    try {
      scripts.put(user, name, text);
      if (activate) {
        scripts.activate(user, name);
      }
    } catch (SieveStoreException e) {
      if (e.kind() == SieveStoreException.Kind.STORAGE) {
        throw e;
      }
      x.html(400, render(p, name, text, activate, null, null, null, e.getMessage()));
      return;
    }
    x.html(200, render(p, name, text, activate, null, c, "The script \u201c" + name + "\u201d is saved"
        + (activate ? " and active." : " (not active)."), null));
  }

  /** The page with the active script (or "main") in the editor. */
  private String renderCurrent(Principal p, String ok) throws SieveStoreException {
    Optional<SieveScripts.Script> active = scripts.active(p.address());
    String name = active.map(SieveScripts.Script::name).orElse("main");
    String text = active.isPresent() ? active.get().text()
        : scripts.get(p.address(), name).map(SieveScripts.Script::text).orElse("");
    return render(p, name, text, active.isPresent(), null, null, ok, null);
  }

  private String render(Principal p, String name, String text, boolean activate, String nameError, Check check, String ok,
      String error) throws SieveStoreException {
    String user = p.address();
    StringBuilder b = new StringBuilder("<h1>Sieve scripts</h1>").append(Html.notice("ok", ok)).append(Html.notice("error", error));
    b.append("<p class=\"hint\">Sieve (RFC 5228) is the language of mail filters; the same scripts can be managed with"
        + " ManageSieve clients. At most one script is active. For the common cases the <a href=\"/account/filters\">rule"
        + " builder</a> is easier.</p>");
    List<SieveScripts.Script> list = scripts.list(user);
    if (!list.isEmpty()) {
      b.append("<table id=\"scripts\"><thead><tr><th>Script</th><th>Active</th><th>Changed</th><th></th></tr></thead><tbody>");
      for (SieveScripts.Script s : list) {
        b.append("<tr><td><a href=\"/account/filters/raw?name=").append(Html.esc(java.net.URLEncoder.encode(s.name(),
            java.nio.charset.StandardCharsets.UTF_8))).append("\">").append(Html.esc(s.name())).append("</a></td><td>")
            .append(s.active() ? "<strong>active</strong>" : "").append("</td><td>").append(AccountLayout.time(s.modified()))
            .append("</td><td>");
        if (!s.active()) {
          b.append(AccountLayout.button(p, "/account/filters/raw/delete", "name", s.name(), "Delete", "danger secondary", null));
        }
        b.append("</td></tr>");
      }
      b.append("</tbody></table>");
      if (list.stream().anyMatch(SieveScripts.Script::active)) {
        b.append(AccountLayout.form(p, "/account/filters/raw/off", "filters-off",
            "<button type=\"submit\" class=\"secondary\" id=\"filters-off-button\">Turn all filters off</button>"));
      }
    }
    if (check != null && !check.errors().isEmpty()) {
      b.append("<div class=\"sieve-errors\" id=\"sieve-errors\"><p>Errors (line:column):</p><ul>");
      String[] lines = text.split("\n", -1);
      for (Diagnostic d : check.errors()) {
        b.append("<li><code class=\"position\">").append(Html.esc(d.toString())).append("</code>");
        int line = d.at().line();
        if (line >= 1 && line <= lines.length) {
          String l = lines[line - 1];
          int col = Math.max(1, Math.min(d.at().column(), l.length() + 1));
          b.append("<pre class=\"sieve-line\">").append(Html.esc(l)).append('\n').append(" ".repeat(col - 1)).append("^</pre>");
        }
        b.append("</li>");
      }
      b.append("</ul></div>");
    }
    if (check != null && !check.warnings().isEmpty()) {
      b.append("<div class=\"sieve-warnings\"><p>Warnings:</p><ul>");
      check.warnings().forEach(w -> b.append("<li><code>").append(Html.esc(w.toString())).append("</code></li>"));
      b.append("</ul></div>");
    }
    b.append("<h2>Edit</h2>").append(AccountLayout.form(p, "/account/filters/raw", "sieve-form",
        AccountLayout.field("Name", AccountLayout.input("text", "name", name, "required maxlength=\"128\""), nameError, null)
            + AccountLayout.field("Script", "<textarea name=\"script\" id=\"script\" rows=\"18\" spellcheck=\"false\">"
                + Html.esc(text) + "</textarea>", null, null)
            + "<label><input type=\"checkbox\" name=\"activate\" id=\"activate\"" + (activate ? " checked" : "")
            + "> Make it the active script</label>"
            + "<button type=\"submit\" id=\"save-script\">Check and save</button>"));
    return AccountLayout.page("Sieve scripts", p, "filters", b.toString());
  }
}
