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

  /** A capability with no commands of its own that brings {@code implied} with it. */
  static SieveExtension implying(String name, String implied) {
    return new SieveExtension() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<String> implies() {
        return List.of(implied);
      }
    };
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
