package dev.postamt.cli;

import dev.postamt.admin.Admin;
import dev.postamt.admin.AdminException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** Command-line conventions that hold for every command, applied around picocli's parsing. */
final class Arguments {
  private Arguments() {}

  /**
   * The arguments with every {@code --config FILE} moved to the end (before a {@code --} that ends the
   * options): every command takes the option through {@link ConfigOption}, so it may stand anywhere,
   * {@code postamt --config f user list} as well as {@code postamt user list --config f}.
   */
  static String[] configLast(String[] args) {
    List<String> rest = new ArrayList<>();
    List<String> config = new ArrayList<>();
    int i = 0;
    for (; i < args.length && !args[i].equals("--"); i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        config.add(args[i]);
        config.add(args[++i]);
      } else if (args[i].startsWith("--config=")) {
        config.add(args[i]);
      } else {
        rest.add(args[i]);
      }
    }
    if (rest.isEmpty()) {
      return new String[0]; // only a config file, no command: the usage, as for no arguments
    }
    rest.addAll(config);
    rest.addAll(List.of(args).subList(i, args.length));
    return rest.toArray(String[]::new);
  }

  /**
   * For {@code domain add -bad.test}: picocli takes the argument for an unknown option (and then misses
   * the NAME); the real problem is the name. Null when {@code ex} is about something else.
   */
  static String domainLikeOption(ParameterException ex, String[] args) {
    if (!(ex instanceof UnmatchedArgumentException || ex instanceof MissingParameterException)
        || !ex.getCommandLine().getCommandSpec().qualifiedName().startsWith("postamt domain ")) {
      return null;
    }
    for (String arg : args) {
      if (arg.equals("--")) {
        break;
      }
      if (arg.startsWith("-") && !arg.startsWith("--") && arg.indexOf('.') > 0) {
        try {
          Admin.checkDomainName(arg);
        } catch (AdminException bad) {
          return bad.getMessage();
        }
      }
    }
    return null;
  }
}
