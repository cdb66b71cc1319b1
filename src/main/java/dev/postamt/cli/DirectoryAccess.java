package dev.postamt.cli;

import dev.postamt.directory.Address;
import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** What the domain, user and alias commands share: opening the directory, names, passwords. */
final class DirectoryAccess {
  private DirectoryAccess() {}

  static Directory open(ConfigOption config) throws DirectoryException {
    return Directory.open(config.load().dataDir());
  }

  /** The normalised form for confirmations; only called after the directory accepted the name. */
  static String domain(String name) {
    try {
      return Address.parseDomain(name);
    } catch (DirectoryException e) {
      return name.trim();
    }
  }

  static String address(String address) {
    try {
      return Address.parse(address).toString();
    } catch (DirectoryException e) {
      return address.trim();
    }
  }

  /**
   * The password from {@code --password}; {@code -} reads one line from standard input instead, which
   * keeps it out of the process list and shell history ({@code echo secret | postamt user add ...}).
   */
  static char[] password(String option) {
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
