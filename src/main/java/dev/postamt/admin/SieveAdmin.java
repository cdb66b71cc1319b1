package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.directory.Address;
import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.sieve.ScriptLoader;
import dev.postamt.sieve.SieveCompileException;
import dev.postamt.sieve.SieveCompiler;
import dev.postamt.sieve.SieveScript;
import dev.postamt.sieve.ext.Extensions;
import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.SieveStoreException;
import dev.postamt.sieve.store.SqliteSieveScripts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code postamt sieve …}: a user's Sieve scripts, the same store ManageSieve writes and delivery runs
 * ({@code data_dir/sieve.db}). Scripts are compiled before they are stored, so a broken one never reaches
 * delivery; compile errors come back as {@code FILE:LINE:COLUMN: message}, the form editors jump to.
 */
public final class SieveAdmin {
  private final Config config;

  SieveAdmin(Config config) {
    this.config = config;
  }

  /**
   * What compiling a script file found, each as {@code FILE:LINE:COLUMN: message} (warnings with {@code
   * warning:} after the position); no errors means it compiles.
   */
  public record Check(List<String> errors, List<String> warnings) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  /** The outcome of {@link #put}: stored (and maybe activated) when {@link Check#ok()}, else nothing changed. */
  public record Put(String user, String name, Check check, boolean activated) {}

  /** A user's scripts, and what went wrong the last time delivery ran them. */
  public record Listing(String user, List<SieveScripts.Script> scripts, Optional<SieveScripts.LastError> lastError) {}

  /**
   * Compiles {@code file} with every extension; {@code include :personal "x"} finds {@code x.sieve} next
   * to it (as Pigeonhole's sievec does), {@code :global} includes are not found. Needs no config.
   */
  public static Check check(Path file) {
    String text = read(file);
    ScriptLoader siblings = (name, location) -> {
      Path p = file.toAbsolutePath().getParent().resolve(name + ".sieve");
      if (location != ScriptLoader.Location.PERSONAL || !Files.isRegularFile(p)) {
        return Optional.empty();
      }
      try {
        return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
      } catch (IOException e) {
        return Optional.empty();
      }
    };
    return compile(file.toString(), text, Extensions.standardCompiler().withLoader(siblings));
  }

  /**
   * Compiles {@code file} and, when it compiles, stores it as the user's script {@code name} (replacing
   * one of that name), and with {@code activate} makes it the active one. Personal includes resolve to the
   * user's stored scripts.
   */
  public Put put(String address, String name, Path file, boolean activate) {
    String user = existingUser(address);
    String text = read(file);
    return withScripts(scripts -> {
      String problem = SqliteSieveScripts.nameProblem(name);
      if (problem != null) {
        throw new AdminException("invalid script name \"" + name + "\": " + problem);
      }
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
      Check check = compile(file.toString(), text, Extensions.standardCompiler().withLoader(personal));
      if (!check.ok()) {
        return new Put(user, name, check, false);
      }
      scripts.put(user, name, text);
      if (activate) {
        scripts.activate(user, name);
      }
      return new Put(user, name, check, activate);
    });
  }

  /** The script's text. */
  public String get(String address, String name) {
    String user = existingUser(address);
    return withScripts(scripts -> scripts.get(user, name)
        .orElseThrow(() -> new AdminException(user + " has no Sieve script named \"" + name + "\"")).text());
  }

  public Listing list(String address) {
    String user = existingUser(address);
    return withScripts(scripts -> new Listing(user, scripts.list(user), scripts.lastError(user)));
  }

  /** Makes {@code name} the active script, or with null leaves none active; returns the user's address. */
  public String activate(String address, String name) {
    String user = existingUser(address);
    return withScripts(scripts -> {
      scripts.activate(user, name);
      return user;
    });
  }

  /** Deletes a script that is not active; returns the user's address. */
  public String delete(String address, String name) {
    String user = existingUser(address);
    return withScripts(scripts -> {
      scripts.delete(user, name);
      return user;
    });
  }

  // ---- helpers

  private static Check compile(String label, String text, SieveCompiler compiler) {
    try {
      SieveScript s = compiler.compile(label, text);
      return new Check(List.of(), s.warnings().stream().map(d -> label + ":" + d).toList());
    } catch (SieveCompileException e) {
      return new Check(e.errors().stream().map(d -> label + ":" + d).toList(), List.of());
    }
  }

  /** The file as UTF-8 text (RFC 5228 §2.1), or a one-line error. */
  private static String read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new AdminException("cannot read " + file + ": no such file");
    } catch (IOException e) {
      throw new AdminException("cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new AdminException(file + " is not UTF-8 text; Sieve scripts must be UTF-8 (RFC 5228)");
    }
  }

  /** The canonical address of an existing user, or a one-line error. */
  private String existingUser(String address) {
    try (Directory dir = Directory.open(config)) {
      String user = Address.parse(address).toString();
      if (!dir.userExists(user)) {
        throw new AdminException("user " + user + " does not exist");
      }
      return user;
    } catch (DirectoryException e) {
      throw new AdminException(e.getMessage(), e);
    }
  }

  /**
   * {@code sieve test}: the actions the user's scripts (before, active, after) would take on the message
   * in {@code file}, in Pigeonhole's {@code sieve-test} layout; nothing is delivered, sent or recorded.
   */
  public List<String> test(String address, Path file) {
    String user = existingUser(address);
    return withScripts(scripts -> SieveTest.run(config, scripts, user, file));
  }

  @FunctionalInterface
  private interface ScriptsWork<T> {
    T run(SieveScripts scripts) throws SieveStoreException;
  }

  private <T> T withScripts(ScriptsWork<T> work) {
    try (SieveScripts scripts = SieveScripts.open(config)) {
      return work.run(scripts);
    } catch (SieveStoreException e) {
      throw new AdminException(e.getMessage(), e);
    }
  }
}
