package dev.postamt.mda;

import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.SieveStoreException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link SieveScripts} in memory, for tests of delivery (the real store is SQLite, elsewhere). */
public final class MemorySieveScripts implements SieveScripts {
  private final Map<String, Map<String, String>> scripts = new ConcurrentHashMap<>();
  private final Map<String, String> active = new ConcurrentHashMap<>();
  private final Map<String, LastError> errors = new ConcurrentHashMap<>();
  private final Map<String, Long> versions = new ConcurrentHashMap<>();

  /** Stores {@code text} as the user's active script. */
  public MemorySieveScripts activate(String user, String name, String text) {
    put(user, name, text);
    activate(user, name);
    return this;
  }

  @Override
  public List<Script> list(String user) {
    List<Script> out = new ArrayList<>();
    scripts.getOrDefault(user, Map.of()).keySet()
        .forEach(n -> out.add(new Script(n, "", n.equals(active.get(user)), Instant.EPOCH)));
    return out;
  }

  @Override
  public Optional<Script> get(String user, String name) {
    String t = scripts.getOrDefault(user, Map.of()).get(name);
    return t == null ? Optional.empty() : Optional.of(new Script(name, t, name.equals(active.get(user)), Instant.EPOCH));
  }

  @Override
  public Optional<Script> active(String user) {
    String n = active.get(user);
    return n == null ? Optional.empty() : get(user, n);
  }

  @Override
  public void put(String user, String name, String text) {
    scripts.computeIfAbsent(user, k -> new TreeMap<>()).put(name, text);
    versions.merge(user, 1L, Long::sum);
  }

  @Override
  public void activate(String user, String name) {
    if (name == null) {
      active.remove(user);
    } else {
      active.put(user, name);
    }
    versions.merge(user, 1L, Long::sum);
  }

  @Override
  public void delete(String user, String name) throws SieveStoreException {
    if (name.equals(active.get(user))) {
      throw new SieveStoreException(SieveStoreException.Kind.ACTIVE, "active");
    }
    scripts.getOrDefault(user, new TreeMap<>()).remove(name);
    versions.merge(user, 1L, Long::sum);
  }

  @Override
  public void rename(String user, String from, String to) {
    String t = scripts.getOrDefault(user, new TreeMap<>()).remove(from);
    put(user, to, t);
  }

  @Override
  public void recordError(String user, LastError error) {
    if (error == null) {
      errors.remove(user);
    } else {
      errors.put(user, error);
    }
  }

  @Override
  public Optional<LastError> lastError(String user) {
    return Optional.ofNullable(errors.get(user));
  }

  @Override
  public long version(String user) {
    return versions.getOrDefault(user, 0L);
  }

  @Override
  public void close() {}
}
