package dev.postamt.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads share grants ({@code owner, mailbox, grantee, rights} rows) for both backends of {@link Shares}. */
final class GrantRows {
  private GrantRows() {}

  /** Runs {@code sql} with string {@code args}; each row's first four columns make a {@link Shares.Grant}. */
  static List<Shares.Grant> read(Connection c, String sql, String... args) throws SQLException {
    List<Shares.Grant> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Shares.Grant(rs.getString(1), rs.getString(2), rs.getString(3), new Rights(rs.getString(4))));
        }
      }
    }
    return out;
  }
}
