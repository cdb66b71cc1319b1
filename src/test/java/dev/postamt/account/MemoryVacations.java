package dev.postamt.account;

import dev.postamt.sieve.store.Vacations;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Vacation settings in a map, for testing the page without the store that delivery reads. */
final class MemoryVacations implements Vacations {
  final Map<String, Vacation> settings = new ConcurrentHashMap<>();

  @Override
  public Vacation get(String user) {
    return settings.getOrDefault(user, Vacation.OFF);
  }

  @Override
  public void set(String user, Vacation vacation) {
    settings.put(user, vacation);
  }

  @Override
  public void close() {}
}
