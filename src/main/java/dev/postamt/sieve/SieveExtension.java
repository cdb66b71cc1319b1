package dev.postamt.sieve;

import java.util.List;

/**
 * A Sieve capability: the name a script requires and the commands and tests it adds. Tags an extension
 * adds to other commands (":copy", ":flags", ":regex", ...) are declared on those commands' signatures
 * with this name; requiring the extension makes them known.
 */
public interface SieveExtension {
  /** The capability string, as in {@code require "fileinto";}. */
  String name();

  default List<SieveCommand> commands() {
    return List.of();
  }

  /** Capabilities that are implied (e.g. "spamtestplus" implies "spamtest"). */
  default List<String> implies() {
    return List.of();
  }

  static SieveExtension of(String name, SieveCommand... commands) {
    List<SieveCommand> list = List.of(commands);
    return new SieveExtension() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<SieveCommand> commands() {
        return list;
      }
    };
  }
}
