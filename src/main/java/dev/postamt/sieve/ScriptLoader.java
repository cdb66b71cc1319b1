package dev.postamt.sieve;

import java.util.Optional;

/** Finds the text of a script by name for {@code include} (RFC 6609): personal or global scripts. */
public interface ScriptLoader {
  enum Location { PERSONAL, GLOBAL }

  Optional<String> load(String name, Location location);

  ScriptLoader NONE = (name, location) -> Optional.empty();
}
