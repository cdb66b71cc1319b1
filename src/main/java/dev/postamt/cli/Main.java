package dev.postamt.cli;

import dev.postamt.admin.AdminException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code postamt} command. Subcommands are thin: each calls one operation of {@link dev.postamt.admin.Admin}. */
@Command(
    name = "postamt",
    // INHERIT: every subcommand gets --help and --version too ("postamt user add --help").
    scope = CommandLine.ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Postamt: a complete self-hosted mail system.",
    subcommands = {
      HelpCommand.class,
      VersionCommand.class,
      ServeCommand.class,
      ReloadCommand.class,
      SessionCommands.Status.class,
      SessionCommands.Who.class,
      SessionCommands.Kick.class,
      ConfigCommand.class,
      DomainCommand.class,
      UserCommand.class,
      AliasCommand.class,
      CheckCommand.class,
      DkimCommand.class,
      TlsRptCommand.class,
      StoreCommand.class,
      MailboxCommand.class,
      QueueCommand.class,
      SieveCommand.class,
      QuarantineCommand.class,
      BackupCommand.class,
      BackupCommand.RestoreBackup.class,
      UpgradeCommand.class,
      TransferCommands.Import.class,
      TransferCommands.Export.class,
      MigrateCommand.class,
      CollectCommand.class,
      BanCommand.class,
      SpamCommand.class,
      ArchiveCommand.class,
      SearchCommand.class,
      ReportsCommand.class,
      TraceCommand.class,
    })
public final class Main implements Runnable {

  /**
   * Lucene says through java.util.logging, once per process, that the JDK's incubating vector API is not
   * enabled (it works without it); that line is noise on a command's output and in the server log.
   */
  private static final java.util.logging.Logger LUCENE_VECTORS =
      java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

  public static void main(String[] args) {
    LUCENE_VECTORS.setLevel(java.util.logging.Level.SEVERE);
    args = Arguments.configLast(args); // "postamt --config f serve" is serve too
    // Admin commands print results, not logs; the server logs its work.
    if (args.length == 0 || !args[0].equals("serve")) {
      System.setProperty("postamt.log.level", System.getProperty("postamt.log.level", "WARN"));
    }
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit status (tests call this directly). */
  public static int run(String... args) {
    return run(null, null, args);
  }

  /**
   * Like {@link #run(String...)} with standard output and error going to {@code out} and {@code err}
   * (null: the process's own), so that tests running in parallel can each read what a command printed.
   * Commands print through {@code spec.commandLine().getOut()/getErr()} for this to work.
   */
  public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    args = Arguments.configLast(args);
    if (plainServe(args)) {
      return ServeCommand.serve(args.length == 1 ? null : configValue(args[1], args),
          err != null ? err : new java.io.PrintWriter(System.err, true));
    }
    boolean serveOnly = serveOnly(args);
    CommandLine cl = serveOnly ? new CommandLine(new ServeCommand()).setCommandName("postamt serve") : new CommandLine(new Main());
    if (out != null) {
      cl.setOut(out);
    }
    if (err != null) {
      cl.setErr(err);
    }
    cl.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> failed(ex, cmd.getErr()));
    cl.setParameterExceptionHandler(
        (ex, a) -> {
          String domainProblem = Arguments.domainLikeOption(ex, a);
          if (domainProblem != null) {
            ex.getCommandLine().getErr().println("postamt: " + domainProblem);
            return 2;
          }
          ex.getCommandLine().getErr().println(
              "postamt: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
          return 2;
        });
    return cl.execute(serveOnly ? java.util.Arrays.copyOfRange(args, 1, args.length) : args);
  }

  /**
   * Whether {@code args} start the server and need nothing but {@code serve}'s own command: picocli
   * builds the model of every subcommand by reflection when the whole tree is made (~120 classes, ~0.6 s
   * of CPU before the banner without the AOT cache, issue 27). Help and version words still go through
   * the whole tree, where those options are inherited from the root.
   */
  static boolean serveOnly(String[] args) {
    if (args.length == 0 || !args[0].equals("serve")) {
      return false;
    }
    for (String a : args) {
      if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version") || a.equals("help")) {
        return false;
      }
    }
    return true;
  }

  /** A command that threw: one line on {@code err} (the stack too with {@code POSTAMT_DEBUG}), its exit status. */
  static int failed(Exception ex, java.io.PrintWriter err) {
    String msg = ex instanceof CliException || ex instanceof AdminException ? ex.getMessage() : describe(ex);
    err.println("postamt: " + msg);
    if (System.getenv("POSTAMT_DEBUG") != null) {
      ex.printStackTrace(err);
    }
    err.flush();
    return ex instanceof CliException ce ? ce.status() : 1;
  }

  /**
   * Whether {@code args} are just {@code serve} or {@code serve --config FILE}: those run {@link
   * ServeCommand} without picocli at all. picocli's classes are Java 5 class files, which the JDK's AOT
   * cache cannot hold (it archives class files of version 50 and later), so every start loaded them from
   * the jar and verified them with the old type-inferring verifier: ~0.3–0.6 s of CPU before the banner
   * even with the cache (issue 27). Anything else (another option, a typo, help) goes through picocli,
   * whose errors and help stay as they were.
   */
  static boolean plainServe(String[] args) {
    if (args.length == 0 || !args[0].equals("serve")) {
      return false;
    }
    return args.length == 1
        || args.length == 2 && args[1].startsWith("--config=") && args[1].length() > "--config=".length()
        || args.length == 3 && args[1].equals("--config") && !args[2].isEmpty() && !args[2].startsWith("-");
  }

  /** The FILE of {@code --config=FILE} or of {@code --config FILE} (the argument after it). */
  private static String configValue(String option, String[] args) {
    return option.startsWith("--config=") ? option.substring("--config=".length()) : args[2];
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
