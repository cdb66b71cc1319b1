package dev.postamt.imap;

/**
 * UIDONLY (RFC 9586): after {@code ENABLE UIDONLY} a session neither takes nor gives message sequence
 * numbers. Commands that take them (FETCH, STORE, SEARCH, COPY, MOVE, SORT, THREAD, REPLACE without the
 * UID prefix) and UID SEARCH/SORT/THREAD whose criteria hold a sequence set, and SELECT's QRESYNC
 * sequence match data, get {@code BAD [UIDREQUIRED]} (RFC 9586 §3); FETCH responses become {@code * uid
 * UIDFETCH (...)} (§3.3), expunges are reported as {@code VANISHED} even without QRESYNC (§3.4), and
 * SELECT sends no {@code [UNSEEN n]}. EXISTS stays: it is a count, not a sequence number.
 */
final class UidOnly {
  static final String CAPABILITY = "UIDONLY";
  static final String UIDREQUIRED = "UIDREQUIRED";

  private UidOnly() {}

  /** Refuses a command that would use message sequence numbers (RFC 9586 §3). */
  static void check(Command c) throws ImapException {
    boolean seq = switch (c) {
      case Command.Fetch f -> !f.uid();
      case Command.Store st -> !st.uid();
      case Command.Copy cp -> !cp.uid();
      case Command.Replace r -> !r.uid();
      case Command.Search se -> !se.uid() || ImapSession.usesSequenceNumbers(se.key());
      case Command.Sort so -> !so.uid() || ImapSession.usesSequenceNumbers(so.key());
      case Command.Thread th -> !th.uid() || ImapSession.usesSequenceNumbers(th.key());
      case Command.Select sel -> sel.qresync().isPresent() && sel.qresync().get().matchSeqs().isPresent();
      default -> false;
    };
    if (seq) {
      throw ImapException.bad(UIDREQUIRED, "Message sequence numbers are not used after ENABLE UIDONLY; use UIDs");
    }
  }

  /**
   * The start of an untagged FETCH response without its leading {@code "* "}: {@code "n FETCH ("}, or
   * {@code "uid UIDFETCH ("} in a UIDONLY session (RFC 9586 §3.3).
   */
  static String fetchHead(int msn, long uid, boolean uidOnly) {
    return uidOnly ? uid + " UIDFETCH (" : msn + " FETCH (";
  }
}
