package dev.postamt.filter.lists;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads list entries ({@code user, kind, pattern} rows) for both backends of {@link SpamListStore}. */
final class EntryRows {
  private EntryRows() {}

  static List<SpamListStore.Entry> read(ResultSet rs) throws SQLException {
    List<SpamListStore.Entry> out = new ArrayList<>();
    while (rs.next()) {
      SpamListStore.Kind k;
      try {
        k = SpamListStore.Kind.valueOf(rs.getString(2));
      } catch (IllegalArgumentException e) {
        continue; // a kind of a newer build
      }
      out.add(new SpamListStore.Entry(rs.getString(1), k, rs.getString(3)));
    }
    return out;
  }
}
