package dev.postamt.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** The {@code --password} value of the user commands. */
final class Passwords {
  private Passwords() {}

  /**
   * The password from {@code --password}; {@code -} reads one line from standard input instead, which
   * keeps it out of the process list and shell history ({@code echo secret | postamt user add ...}).
   */
  static char[] read(String option) {
    if (option == null) {
      throw new CliException("--password is required (use '--password -' to read it from standard input)");
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
}
