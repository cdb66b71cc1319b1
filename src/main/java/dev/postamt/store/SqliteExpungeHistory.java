package dev.postamt.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The SQL of the expunge history in a user's SQLite index: table {@code expunged} (each expunged UID with
 * the MODSEQ of its expunge) and {@code mailbox.expunge_floor} (how far back that history is complete),
 * for QRESYNC's VANISHED (EARLIER) (RFC 7162 §3.2). Apart from {@link SqliteMailIndex} because it is the
 * one part of the index that is kept bounded ({@link MailIndex#EXPUNGED_KEPT} per mailbox) and has to
 * answer "not that far back"; the statements are those of the index, called on its connection.
 */
final class SqliteExpungeHistory {
  private SqliteExpungeHistory() {}

  static long removeMessages(SqliteMailIndex index, long mailboxId, Collection<Long> uids) throws SQLException {
    if (uids.isEmpty()) {
      return 0;
    }
    long modseq = index.nextModseq(mailboxId);
    for (long uid : uids) {
      index.update("DELETE FROM message WHERE mailbox_id=? AND uid=?", mailboxId, uid);
      index.update("INSERT OR REPLACE INTO expunged(mailbox_id, uid, modseq) VALUES(?,?,?)", mailboxId, uid, modseq);
    }
    forgetExpunged(index, mailboxId, MailIndex.EXPUNGED_KEPT);
    return modseq;
  }

  static int forgetExpunged(SqliteMailIndex index, long mailboxId, int keep) throws SQLException {
    long cut;
    try (PreparedStatement ps =
        index.db.prepareStatement("SELECT modseq FROM expunged WHERE mailbox_id=? ORDER BY modseq DESC LIMIT 1 OFFSET ?")) {
      ps.setLong(1, mailboxId);
      ps.setInt(2, keep);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return 0;
        }
        cut = rs.getLong(1);
      }
    }
    index.update("UPDATE mailbox SET expunge_floor=max(expunge_floor, ?) WHERE id=?", cut, mailboxId);
    return index.update("DELETE FROM expunged WHERE mailbox_id=? AND modseq<=?", mailboxId, cut);
  }

  static long expungeModseq(SqliteMailIndex index, long mailboxId, Collection<Long> uids) throws SQLException {
    long min = Long.MAX_VALUE;
    try (PreparedStatement ps = index.db.prepareStatement("SELECT modseq FROM expunged WHERE mailbox_id=? AND uid=?")) {
      for (long uid : uids) {
        ps.setLong(1, mailboxId);
        ps.setLong(2, uid);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            min = Math.min(min, rs.getLong(1));
          }
        }
      }
    }
    if (min == Long.MAX_VALUE) {
      try (PreparedStatement ps = index.db.prepareStatement("SELECT expunge_floor FROM mailbox WHERE id=?")) {
        ps.setLong(1, mailboxId);
        try (ResultSet rs = ps.executeQuery()) {
          min = rs.next() ? rs.getLong(1) : 0;
        }
      }
    }
    return min;
  }

  /** One statement (the floor beside each UID), so that it sees one state without a transaction around it. */
  static List<Long> expungedSince(SqliteMailIndex index, long mailboxId, long since) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (PreparedStatement ps = index.db.prepareStatement("SELECT m.expunge_floor, e.uid FROM mailbox m"
        + " LEFT JOIN expunged e ON e.mailbox_id=m.id AND e.modseq>? WHERE m.id=? ORDER BY e.uid")) {
      ps.setLong(1, since);
      ps.setLong(2, mailboxId);
      try (ResultSet rs = ps.executeQuery()) {
        boolean any = false;
        while (rs.next()) {
          if (!any && since < rs.getLong(1)) {
            return null; // the history does not reach back that far
          }
          any = true;
          long uid = rs.getLong(2);
          if (!rs.wasNull()) {
            out.add(uid);
          }
        }
        if (!any) {
          return null; // no such mailbox
        }
      }
    }
    return out;
  }
}
