package dev.postamt.managesieve;

import dev.postamt.sieve.Diagnostic;
import dev.postamt.sieve.ScriptLoader;
import dev.postamt.sieve.SieveCompileException;
import dev.postamt.sieve.SieveScript;
import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.SieveScripts.Limits;
import dev.postamt.sieve.store.SieveScripts.Script;
import dev.postamt.sieve.store.SieveStoreException;
import dev.postamt.sieve.store.SqliteSieveScripts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The commands of the authenticated state that work on the user's scripts (RFC 5804 §2.6–§2.13), each
 * answering with {@code OK} or throwing the {@code NO} it deserves. Uploaded scripts are compiled before
 * they are stored, so a broken script is refused with {@code LINE:COLUMN: message} lines and never
 * reaches delivery.
 */
final class ScriptCommands {
  private static final Logger log = LoggerFactory.getLogger(ScriptCommands.class);

  private final ManageSieveServer server;
  private final SieveScripts scripts;
  private final Responses r;
  private final String user;

  ScriptCommands(ManageSieveServer server, Responses r, String user) {
    this.server = server;
    this.scripts = server.scripts;
    this.r = r;
    this.user = user;
  }

  /** The largest script this user may upload: the store's limit, or the compiler's when that is smaller. */
  static long maxScriptBytes(ManageSieveServer server) {
    long store = server.scripts.limits().maxScriptBytes();
    long compiler = server.compiler.limits().maxScriptBytes();
    return store > 0 ? Math.min(store, compiler) : compiler;
  }

  /** RFC 5804 §2.7: each script's name, the active one followed by ACTIVE. */
  void listScripts() throws IOException, ManageSieveException {
    for (Script s : store(() -> scripts.list(user))) {
      r.line(Responses.quote(s.name()) + (s.active() ? " ACTIVE" : ""));
    }
    r.ok(null, "Listscripts completed");
  }

  /** RFC 5804 §2.9: the script as a literal. */
  void getScript(String name) throws IOException, ManageSieveException {
    Script s = store(() -> scripts.get(user, name))
        .orElseThrow(() -> ManageSieveException.no("NONEXISTENT", "There is no script named " + name));
    r.literal(s.text().getBytes(StandardCharsets.UTF_8));
    r.line("");
    r.ok(null, "Getscript completed");
  }

  /** RFC 5804 §2.6: checked against the limits, compiled, then stored. */
  void putScript(String name, String text) throws IOException, ManageSieveException {
    checkName(name);
    checkSpace(name, text.getBytes(StandardCharsets.UTF_8).length);
    SieveScript compiled = compile(name, text);
    store(() -> {
      scripts.put(user, name, text);
      return null;
    });
    log.info("managesieve: {} stored script {}", user, name);
    warnings(compiled, "Putscript completed");
  }

  /** RFC 5804 §2.12: compile only. */
  void checkScript(String text) throws IOException, ManageSieveException {
    long max = maxScriptBytes(server);
    if (text.getBytes(StandardCharsets.UTF_8).length > max) {
      throw ManageSieveException.no("QUOTA/MAXSIZE", "Script too large (the limit is " + max + " octets)");
    }
    warnings(compile("checkscript", text), "Script is valid");
  }

  /** RFC 5804 §2.8: the empty name deactivates. */
  void setActive(String name) throws IOException, ManageSieveException {
    store(() -> {
      scripts.activate(user, name.isEmpty() ? null : name);
      return null;
    });
    r.ok(null, name.isEmpty() ? "No script is active now" : "Script " + name + " is active now");
  }

  void deleteScript(String name) throws IOException, ManageSieveException {
    store(() -> {
      scripts.delete(user, name);
      return null;
    });
    r.ok(null, "Deletescript completed");
  }

  void renameScript(String from, String to) throws IOException, ManageSieveException {
    checkName(to);
    store(() -> {
      scripts.rename(user, from, to);
      return null;
    });
    r.ok(null, "Renamescript completed");
  }

  /** RFC 5804 §2.5: whether a script of that name and size could be stored now. */
  void haveSpace(String name, long size) throws IOException, ManageSieveException {
    checkName(name);
    checkSpace(name, size);
    r.ok(null, "Putscript would succeed");
  }

  private static void checkName(String name) throws ManageSieveException {
    String problem = SqliteSieveScripts.nameProblem(name);
    if (problem != null) {
      throw ManageSieveException.no(null, "Invalid script name: " + problem);
    }
  }

  private void checkSpace(String name, long bytes) throws ManageSieveException {
    long max = maxScriptBytes(server);
    if (bytes > max) {
      throw ManageSieveException.no("QUOTA/MAXSIZE", "Script too large (the limit is " + max + " octets)");
    }
    Limits limits = scripts.limits();
    List<Script> have = store(() -> scripts.list(user));
    if (have.stream().noneMatch(s -> s.name().equals(name)) && limits.full(have.size())) {
      throw ManageSieveException.no("QUOTA/MAXSCRIPTS",
          "Too many scripts (the limit is " + limits.maxScripts() + "); delete one first");
    }
  }

  private SieveScript compile(String name, String text) throws ManageSieveException {
    try {
      return server.compiler.withLoader(personalScripts()).compile(name, text);
    } catch (SieveCompileException e) {
      throw ManageSieveException.no(null,
          e.errors().stream().map(Diagnostic::toString).collect(Collectors.joining("\r\n")));
    } catch (RuntimeException e) {
      log.warn("managesieve: compiling a script of {} failed: {}", user, e.toString(), e);
      throw ManageSieveException.no(null, "The script could not be checked (internal error)");
    }
  }

  /** {@code include :personal} (RFC 6609) finds the user's other stored scripts; global ones are not known here. */
  private ScriptLoader personalScripts() {
    return (name, location) -> {
      if (location != ScriptLoader.Location.PERSONAL) {
        return Optional.empty();
      }
      try {
        return scripts.get(user, name).map(Script::text);
      } catch (SieveStoreException e) {
        return Optional.empty();
      }
    };
  }

  /** OK, or OK (WARNINGS) with the warnings one a line (RFC 5804 §1.3). */
  private void warnings(SieveScript s, String done) throws IOException {
    if (s.warnings().isEmpty()) {
      r.ok(null, done);
    } else {
      r.ok("WARNINGS", s.warnings().stream().map(Diagnostic::toString).collect(Collectors.joining("\r\n")));
    }
  }

  @FunctionalInterface
  private interface StoreCall<T> {
    T run() throws SieveStoreException;
  }

  /** Runs a store operation, turning its refusals into the response codes of RFC 5804 §1.3. */
  private <T> T store(StoreCall<T> call) throws ManageSieveException {
    try {
      return call.run();
    } catch (SieveStoreException e) {
      throw switch (e.kind()) {
        case NONEXISTENT -> ManageSieveException.no("NONEXISTENT", e.getMessage());
        case ACTIVE -> ManageSieveException.no("ACTIVE", e.getMessage());
        case ALREADY_EXISTS -> ManageSieveException.no("ALREADYEXISTS", e.getMessage());
        case QUOTA -> ManageSieveException.no("QUOTA", e.getMessage());
        case BAD_NAME -> ManageSieveException.no(null, "Invalid script name: " + e.getMessage());
        case STORAGE -> {
          log.warn("managesieve: script storage failed for {}: {}", user, e.getMessage(), e);
          yield ManageSieveException.no("TRYLATER", "The script storage is not available; try again later");
        }
      };
    }
  }
}
