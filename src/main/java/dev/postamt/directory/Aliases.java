package dev.postamt.directory;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Aliases and catch-alls: the one owner of the {@code aliases} table, whose rows are an alias (a full
 * address, or {@code @domain} for the domain's catch-all) and its targets in order. Apart from {@link
 * Directory}, which hands these out, because aliases are a list per address with a fallback (exact
 * address, then the catch-all) that the router asks on every recipient, through the lookup cache.
 */
final class Aliases {
  private final DirectoryDb db;
  private final LookupCache cache;

  Aliases(DirectoryDb db, LookupCache cache) {
    this.db = db;
    this.cache = cache;
  }

  /** Adds the targets not yet present, so that adding is idempotent: see {@link Directory#addAlias}. */
  void addAlias(String address, List<String> targets) throws DirectoryException {
    String key = aliasKey(address);
    String domain = key.substring(key.indexOf('@') + 1);
    if (targets == null || targets.isEmpty()) {
      throw new DirectoryException("alias " + key + " needs at least one target");
    }
    List<String> norm = new ArrayList<>();
    for (String t : targets) {
      String n = Address.parse(t).toString();
      if (!norm.contains(n)) {
        norm.add(n);
      }
    }
    db.write("add alias " + key, () -> {
      Directory.requireLocalDomain(db, domain);
      List<String> present = db.strings("SELECT target FROM aliases WHERE address = ?", key);
      int next = present.isEmpty()
          ? 0
          : Integer.parseInt(db.string("SELECT MAX(position) + 1 FROM aliases WHERE address = ?", key));
      for (String t : norm) {
        if (!present.contains(t)) {
          db.update("INSERT INTO aliases(address, domain, position, target) VALUES (?, ?, ?, ?)", key, domain, next++, t);
        }
      }
      return null;
    });
  }

  void removeAlias(String address) throws DirectoryException {
    String key = aliasKey(address);
    db.write("remove alias " + key, () -> {
      if (db.update("DELETE FROM aliases WHERE address = ?", key) == 0) {
        throw new DirectoryException("alias " + key + " does not exist");
      }
      return null;
    });
  }

  /** Removes some targets of an alias; the alias goes away with its last target. */
  void removeAliasTargets(String address, List<String> targets) throws DirectoryException {
    String key = aliasKey(address);
    List<String> norm = new ArrayList<>();
    for (String t : targets) {
      norm.add(Address.parse(t).toString());
    }
    db.write("remove targets of alias " + key, () -> {
      if (!db.exists("SELECT 1 FROM aliases WHERE address = ?", key)) {
        throw new DirectoryException("alias " + key + " does not exist");
      }
      for (String t : norm) {
        if (db.update("DELETE FROM aliases WHERE address = ? AND target = ?", key, t) == 0) {
          throw new DirectoryException("alias " + key + " has no target " + t);
        }
      }
      return null;
    });
  }

  /** Every alias with its targets, ordered by domain then address (catch-alls first in their domain). */
  Map<String, List<String>> all() throws DirectoryException {
    return db.read("list aliases", () -> {
      Map<String, List<String>> out = new LinkedHashMap<>();
      try (PreparedStatement ps =
              db.prepare("SELECT address, target FROM aliases ORDER BY domain, address, position");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
      return out;
    });
  }

  /** Targets of the alias {@code address} (exact address, then {@code @domain} catch-all); empty if none. */
  List<String> targets(String address) throws DirectoryException {
    List<String> exact = exactTargets(address);
    if (!exact.isEmpty()) {
      return exact;
    }
    Optional<Address> a = Directory.lenient(address);
    return a.isEmpty() ? List.of() : catchAllTargets(a.get().domain());
  }

  /** Targets of exactly this alias, no catch-all fallback: see {@link Directory#exactAliasTargets}. */
  List<String> exactTargets(String address) throws DirectoryException {
    String key;
    try {
      key = aliasKey(address);
    } catch (DirectoryException bad) {
      return List.of();
    }
    return targetsThroughCache(key);
  }

  /** Targets of the catch-all alias {@code @domain}; empty if the domain has none. */
  List<String> catchAllTargets(String domain) throws DirectoryException {
    String d;
    try {
      d = Address.parseDomain(domain);
    } catch (DirectoryException bad) {
      return List.of();
    }
    return targetsThroughCache("@" + d);
  }

  /** The targets of the alias {@code key} (an address, or {@code @domain}), through the lookup cache. */
  private List<String> targetsThroughCache(String key) throws DirectoryException {
    return cache.get("a " + key, () -> db.read("look up alias " + key, () -> List.copyOf(targetsOf(key))), List::isEmpty);
  }

  private List<String> targetsOf(String key) throws SQLException {
    return db.strings("SELECT target FROM aliases WHERE address = ? ORDER BY position", key);
  }

  /** Normalises an alias key: a full address, or "@domain" for a catch-all. */
  private static String aliasKey(String address) throws DirectoryException {
    if (address != null && address.trim().startsWith("@")) {
      return "@" + Address.parseDomain(address.trim().substring(1));
    }
    return Address.parse(address).toString();
  }
}
