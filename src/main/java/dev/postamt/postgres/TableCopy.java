package dev.postamt.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Copies the rows of one table to a table of the same columns on another backend, for {@code postamt migrate
 * --to postgresql://…} and back. It knows no kind of state: it reads the target's column names and types and
 * converts where SQLite and PostgreSQL differ (SQLite keeps booleans as 0/1). Table names come from the
 * state owners, never from users.
 */
public final class TableCopy {
  private TableCopy() {}

  /** Moves each serial column's sequence past the copied ids, so that the next insert gets a new one. */
  private static void advanceSequences(Connection to, String table, List<String> columns) throws SQLException {
    for (String column : columns) {
      String sequence;
      try (PreparedStatement ps = to.prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
        ps.setString(1, table);
        ps.setString(2, column);
        try (ResultSet rs = ps.executeQuery()) {
          sequence = rs.next() ? rs.getString(1) : null;
        }
      }
      if (sequence != null) {
        try (PreparedStatement ps = to.prepareStatement(
            "SELECT setval(?, COALESCE((SELECT max(" + column + ") FROM " + table + "), 0) + 1, false)")) {
          ps.setString(1, sequence);
          ps.execute();
        }
      }
    }
  }

  /** How many rows {@code table} has. */
  public static long count(Connection c, String table) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * Inserts every row of {@code fromTable} into {@code toTable} in one transaction of {@code to}, matching
   * columns by name (the target's columns decide); returns how many.
   */
  public static long copy(Connection from, String fromTable, Connection to, String toTable) throws SQLException {
    List<String> columns = new ArrayList<>();
    List<Integer> types = new ArrayList<>();
    try (Statement st = to.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + toTable + " WHERE 1 = 0")) {
      ResultSetMetaData md = rs.getMetaData();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        columns.add(md.getColumnName(i).toLowerCase(java.util.Locale.ROOT));
        types.add(md.getColumnType(i));
      }
    }
    String names = String.join(", ", columns);
    String marks = String.join(", ", columns.stream().map(c -> "?").toList());
    boolean auto = to.getAutoCommit();
    to.setAutoCommit(false);
    long n = 0;
    try (Statement st = from.createStatement();
        ResultSet rs = st.executeQuery("SELECT " + names + " FROM " + fromTable);
        PreparedStatement ins = to.prepareStatement("INSERT INTO " + toTable + " (" + names + ") VALUES (" + marks + ")")) {
      while (rs.next()) {
        for (int i = 0; i < columns.size(); i++) {
          Object v = rs.getObject(i + 1);
          int type = types.get(i);
          if (v == null) {
            ins.setNull(i + 1, type);
          } else if (type == Types.BOOLEAN || type == Types.BIT) {
            ins.setBoolean(i + 1, v instanceof Boolean b ? b : ((Number) v).longValue() != 0);
          } else if ((type == Types.INTEGER || type == Types.SMALLINT) && v instanceof Boolean b) {
            ins.setInt(i + 1, b ? 1 : 0);
          } else if (type == Types.BIGINT && v instanceof Number num) {
            ins.setLong(i + 1, num.longValue());
          } else if ((type == Types.INTEGER || type == Types.SMALLINT) && v instanceof Number num) {
            if (num.longValue() == num.intValue()) {
              ins.setInt(i + 1, num.intValue());
            } else {
              ins.setLong(i + 1, num.longValue()); // SQLite's INTEGER holds 64 bits (dates in ms, UIDVALIDITY)
            }
          } else if (type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY || type == Types.BLOB) {
            ins.setBytes(i + 1, rs.getBytes(i + 1));
          } else {
            ins.setObject(i + 1, v);
          }
        }
        ins.addBatch();
        if (++n % 1000 == 0) {
          ins.executeBatch();
        }
      }
      ins.executeBatch();
      if ("PostgreSQL".equals(to.getMetaData().getDatabaseProductName())) {
        advanceSequences(to, toTable, columns);
      }
      to.commit();
      return n;
    } catch (SQLException | RuntimeException e) {
      to.rollback();
      throw e;
    } finally {
      to.setAutoCommit(auto);
    }
  }
}
