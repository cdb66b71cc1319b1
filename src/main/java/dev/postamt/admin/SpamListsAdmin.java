package dev.postamt.admin;

import dev.postamt.config.Config;
import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.filter.lists.SpamListStore;
import dev.postamt.filter.lists.SpamListStore.Entry;
import dev.postamt.filter.lists.SpamListStore.Kind;
import dev.postamt.filter.lists.SpamLists;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code postamt spam lists show|add|remove}: the white- and blacklists of the content scan. Entries of
 * {@code [spam]} in the config are shown but changed only there; entries added here go to {@code
 * data_dir/spamlists.db}, globally or for one user, and the running server reads them at its next scan.
 */
public final class SpamListsAdmin {
  private final Config config;

  public SpamListsAdmin(Config config) {
    this.config = config;
  }

  /**
   * One entry as shown.
   *
   * @param user the user it is for, "" for everyone
   * @param fromConfig whether it is in the config file (else in the store)
   */
  public record Line(String user, String kind, String pattern, boolean fromConfig) {}

  /**
   * What {@code show} prints.
   *
   * @param remembered how many addresses the user has written to (their automatic whitelist); -1
   *     without a user
   */
  public record Listing(List<Line> lines, int remembered) {}

  /** What {@code add} or {@code remove} did; {@code changed} is false when the entry was there already. */
  public record Change(Line line, boolean changed) {}

  /** The config's entries, the global ones of the store, and {@code user}'s (null: none). */
  public Listing show(String user) {
    String u = user == null ? null : user(user);
    return withLists(lists -> {
      List<Line> out = new ArrayList<>();
      for (Entry e : lists.configEntries()) {
        out.add(new Line("", e.kind().keyword(), e.pattern(), true));
      }
      for (Entry e : lists.store().entries(u)) {
        out.add(new Line(e.user(), e.kind().keyword(), e.pattern(), false));
      }
      return new Listing(out, u == null ? -1 : lists.store().rememberedCount(u));
    });
  }

  /** Adds an entry for {@code user} (null: everyone). */
  public Change add(String user, String kind, String pattern) {
    Entry e = entry(user, kind, pattern, "add");
    return withLists(lists -> new Change(line(e), lists.store().add(e)));
  }

  /** Removes an entry of the store; one of the config file is refused with where to change it. */
  public Change remove(String user, String kind, String pattern) {
    Entry e = entry(user, kind, pattern, "remove");
    return withLists(lists -> {
      if (e.user().isEmpty() && lists.configEntries().contains(e)) {
        throw new AdminException("spam lists remove: " + e.kind().keyword() + " " + e.pattern()
            + " is set in the config file ([spam] " + e.kind().keyword() + "); change it there");
      }
      if (!lists.store().remove(e)) {
        throw new AdminException("spam lists remove: there is no " + e.kind().keyword() + " entry " + e.pattern()
            + (e.user().isEmpty() ? " for everyone" : " for " + e.user()));
      }
      return new Change(line(e), true);
    });
  }

  private static Line line(Entry e) {
    return new Line(e.user(), e.kind().keyword(), e.pattern(), false);
  }

  private Entry entry(String user, String kind, String pattern, String verb) {
    try {
      return new Entry(user == null ? "" : user(user), Kind.parse(kind), SpamLists.normalisePattern(pattern));
    } catch (IllegalArgumentException ex) {
      throw new AdminException("spam lists " + verb + ": " + ex.getMessage());
    }
  }

  /** The user's normalised address; one that is not a user of ours is refused. */
  private String user(String address) {
    String a = Admin.address(address).toLowerCase(java.util.Locale.ROOT);
    try (Directory dir = Directory.open(config)) {
      if (!dir.userExists(a)) {
        throw new AdminException("user " + a + " does not exist");
      }
    } catch (DirectoryException e) {
      throw new AdminException(e.getMessage(), e);
    }
    return a;
  }

  @FunctionalInterface
  private interface ListsWork<T> {
    T run(SpamLists lists) throws IOException;
  }

  private <T> T withLists(ListsWork<T> work) {
    SpamLists lists;
    try {
      lists = SpamLists.open(config);
    } catch (IOException e) {
      throw AdminException.of(e);
    }
    try (lists) {
      return work.run(lists);
    } catch (IOException e) {
      throw AdminException.of(e);
    }
  }

  /** The kinds, as {@code add} and {@code remove} take them. */
  public static List<String> kinds() {
    List<String> out = new ArrayList<>();
    for (SpamListStore.Kind k : SpamListStore.Kind.values()) {
      out.add(k.keyword());
    }
    return out;
  }
}
