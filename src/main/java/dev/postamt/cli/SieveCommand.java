package dev.postamt.cli;

import dev.postamt.admin.SieveAdmin;
import dev.postamt.sieve.store.SieveScripts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt sieve put|get|list|activate|delete|check}: users' Sieve scripts, the same ones ManageSieve
 * shows. A new subcommand is one more class in the list below.
 */
@Command(
    name = "sieve",
    description = "Users' Sieve scripts: the rules that sort, flag, forward and answer their incoming mail.",
    subcommands = {SieveCommand.Put.class, SieveCommand.Get.class, SieveCommand.ListScripts.class,
        SieveCommand.Activate.class, SieveCommand.Delete.class, SieveCommand.Check.class, SieveTestCommand.class})
final class SieveCommand {

  /** The ADDRESS every subcommand but check takes. */
  abstract static class OneUser extends AdminCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "the user's address")
    String address;

    SieveAdmin sieve() {
      return admin().sieve();
    }
  }

  /** Prints compile errors and warnings on stderr, one a line; returns 1 with errors, else 0. */
  static int report(PrintWriter err, SieveAdmin.Check check) {
    check.errors().forEach(err::println);
    check.warnings().forEach(err::println);
    err.flush();
    return check.ok() ? 0 : 1;
  }

  @Command(name = "put", description = "Compile FILE and store it as the user's script NAME (replacing one of that"
      + " name); a script that does not compile is refused with FILE:LINE:COLUMN errors.")
  static final class Put extends OneUser {
    @Parameters(index = "1", paramLabel = "NAME", description = "the script's name")
    String name;

    @Parameters(index = "2", paramLabel = "FILE", description = "the script, UTF-8 text")
    Path file;

    @Option(names = "--activate", description = "also make it the active script")
    boolean activate;

    @Override
    public Integer call() {
      SieveAdmin.Put put = sieve().put(address, name, file, activate);
      if (report(spec.commandLine().getErr(), put.check()) != 0) {
        spec.commandLine().getErr().println("postamt: " + file + " does not compile; nothing stored");
        return 1;
      }
      return print("stored script " + put.name() + " of " + put.user() + (put.activated() ? " (active)" : ""));
    }
  }

  @Command(name = "get", description = "Print the user's script NAME.")
  static final class Get extends OneUser {
    @Parameters(index = "1", paramLabel = "NAME", description = "the script's name")
    String name;

    @Override
    public Integer call() {
      PrintWriter out = out();
      out.print(sieve().get(address, name));
      out.flush();
      return 0;
    }
  }

  @Command(name = "list", description = "List the user's scripts, which one is active, and the last error"
      + " delivery met running them.")
  static final class ListScripts extends OneUser {
    @Override
    public Integer call() {
      SieveAdmin.Listing l = sieve().list(address);
      List<String> lines = new ArrayList<>();
      for (SieveScripts.Script s : l.scripts()) {
        lines.add(s.name() + (s.active() ? " (active)" : ""));
      }
      if (l.scripts().isEmpty()) {
        lines.add(l.user() + " has no Sieve scripts");
      } else if (l.scripts().stream().noneMatch(SieveScripts.Script::active)) {
        lines.add("(none is active)");
      }
      l.lastError().ifPresent(e -> lines.add("last error " + e.when() + (e.script() == null ? "" : " in " + e.script())
          + ": " + e.message()));
      return print(lines);
    }
  }

  @Command(name = "activate", description = "Make NAME the user's active script, or with --none leave none active.")
  static final class Activate extends OneUser {
    @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "the script to activate")
    String name;

    @Option(names = "--none", description = "leave no script active")
    boolean none;

    @Override
    public Integer call() {
      if (none == (name != null)) {
        throw new CliException("give the NAME of the script to activate, or --none (see 'postamt sieve activate --help')", 2);
      }
      String user = sieve().activate(address, none ? null : name);
      return print(none ? "no script of " + user + " is active now" : "script " + name + " of " + user + " is active now");
    }
  }

  @Command(name = "delete", description = "Delete the user's script NAME (not the active one).")
  static final class Delete extends OneUser {
    @Parameters(index = "1", paramLabel = "NAME", description = "the script's name")
    String name;

    @Override
    public Integer call() {
      return print("deleted script " + name + " of " + sieve().delete(address, name));
    }
  }

  @Command(name = "check", description = "Compile FILE only: errors as FILE:LINE:COLUMN: message on stderr and exit"
      + " status 1; nothing (or warnings) and 0 when it compiles.")
  static final class Check extends AdminGroup implements Callable<Integer> {
    @Mixin ConfigOption config; // accepted like everywhere; checking needs no config

    @Parameters(index = "0", paramLabel = "FILE", description = "the script, UTF-8 text")
    Path file;

    @Override
    public Integer call() {
      return report(spec.commandLine().getErr(), SieveAdmin.check(file));
    }
  }
}
