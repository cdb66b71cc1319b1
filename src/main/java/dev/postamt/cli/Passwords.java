package dev.postamt.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The {@code --password} value of the user commands. */
final class Passwords {
  private Passwords() {}

  /** Asks for a password without echoing it; the real one is the terminal ({@link #terminal()}). */
  interface Prompt {
    char[] readHidden(String prompt);
  }

  /** The controlling terminal, or null when there is none (input or output redirected, a cron job). */
  static Prompt terminal() {
    Console c = System.console();
    return c == null || !c.isTerminal() ? null : prompt -> c.readPassword("%s", prompt);
  }

  /**
   * The password from {@code --password}; {@code -} reads one line from standard input instead, which
   * keeps it out of the process list and shell history ({@code echo secret | postamt user add ...}).
   * Without the option, {@code terminal} (when there is one) is asked twice, like {@code passwd}; with
   * no terminal the option is required, so that a script never waits for input it will not get.
   */
  static char[] read(String option, Prompt terminal) {
    if (option == null) {
      if (terminal == null) {
        throw new CliException("--password is required (use '--password -' to read it from standard input)");
      }
      return ask(terminal);
    }
    if (!option.equals("-")) {
      return option.toCharArray();
    }
    try {
      // No try-with-resources: closing would close System.in for the rest of the process.
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null || line.isEmpty()) {
        throw new CliException("no password on standard input");
      }
      return line.toCharArray();
    } catch (IOException e) {
      throw new CliException("cannot read the password from standard input: " + e.getMessage());
    }
  }

  private static char[] ask(Prompt terminal) {
    char[] first = terminal.readHidden("Password: ");
    if (first == null || first.length == 0) {
      throw new CliException("no password given");
    }
    char[] again = terminal.readHidden("Password again: ");
    try {
      if (!Arrays.equals(first, again)) {
        Arrays.fill(first, '\0');
        throw new CliException("the passwords do not match; nothing changed");
      }
      return first;
    } finally {
      if (again != null) {
        Arrays.fill(again, '\0');
      }
    }
  }
}
