package dev.postamt.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code postamt} command. Subcommands are thin: each calls one service of the server packages. */
@Command(
    name = "postamt",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Postamt: a complete self-hosted mail system.",
    subcommands = {
      ServeCommand.class,
      ConfigCommand.class,
      DkimCommand.class,
    })
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit status (tests call this directly). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          String msg = ex instanceof CliException ? ex.getMessage() : describe(ex);
          cmd.getErr().println("postamt: " + msg);
          if (System.getenv("POSTAMT_DEBUG") != null) {
            ex.printStackTrace(cmd.getErr());
          }
          return ex instanceof CliException ce ? ce.status() : 1;
        });
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          ex.getCommandLine().getErr().println(
              "postamt: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
          return 2;
        });
    return cl.execute(args);
  }

  static String describe(Throwable ex) {
    String m = ex.getMessage();
    return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }
}
