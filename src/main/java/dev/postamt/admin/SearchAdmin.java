package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.search.SearchBackend;
import dev.postamt.search.SearchIndexes;
import dev.postamt.store.MailStore;
import dev.postamt.store.StoreException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code postamt search reindex ADDRESS|--all}: rebuilds users' full-text indexes from the store. When
 * the running server holds an index, the rebuild is left to it (it picks the request up within seconds)
 * and the result says so.
 */
public final class SearchAdmin {
  private final Config config;

  SearchAdmin(Config config) {
    this.config = config;
  }

  /** What happened to one user's index. */
  public record Reindexed(String user, boolean byServer) {}

  /** Rebuilds the index of {@code address}. */
  public Reindexed reindex(String address) {
    try (MailStore store = MailStore.open(config)) {
      return reindex(store, address.toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** Rebuilds the index of every user of the directory that has mail, and of every other user with an index. */
  public List<Reindexed> reindexAll(List<String> directoryUsers) {
    List<Reindexed> out = new ArrayList<>();
    try (MailStore store = MailStore.open(config)) {
      java.util.Set<String> users = new java.util.TreeSet<>();
      for (String u : directoryUsers) {
        users.add(u.toLowerCase(java.util.Locale.ROOT));
      }
      try (SearchBackend search = SearchBackend.forTool(store, config.search(), config.database())) {
        users.addAll(search.users());
      } catch (IOException e) {
        throw new AdminException("cannot list the search indexes: " + e.getMessage(), e);
      }
      for (String u : users) {
        if (store.exists(u)) {
          out.add(reindex(store, u));
        }
      }
    }
    return out;
  }

  private Reindexed reindex(MailStore store, String user) {
    if (!store.exists(user)) {
      throw new AdminException("no mail store for " + user + " in " + config.dataDir());
    }
    try (SearchBackend search = SearchBackend.forTool(store, config.search(), config.database())) {
      return new Reindexed(user, search.rebuild(user) == SearchIndexes.Rebuilt.QUEUED_FOR_SERVER);
    } catch (IOException | StoreException e) {
      throw new AdminException("cannot rebuild the search index of " + user + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new AdminException(e.getMessage(), e);
    }
  }
}
