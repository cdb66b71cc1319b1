package dev.postamt.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code postamt sieve test ADDRESS MESSAGE-FILE}: the actions the user's scripts would take. */
@Command(name = "test", description = "Print the actions the scripts (before, active, after) would take on a message; deliver nothing.")
final class SieveTestCommand extends AdminCommand {
  @Parameters(index = "0", paramLabel = "ADDRESS", description = "the user")
  String address;

  @Parameters(index = "1", paramLabel = "MESSAGE-FILE", description = "the message (RFC 5322)")
  Path file;

  @Override
  public Integer call() {
    for (String line : admin().sieve().test(address, file)) {
      out().println(line);
    }
    return 0;
  }
}
