package dev.postamt.jmap;

import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * The JMAP state of an account (RFC 8620 §1.2 "state"), made from what IMAP CONDSTORE already keeps:
 * each mailbox's HIGHESTMODSEQ (RFC 7162 §3.1.1), UIDVALIDITY and UIDNEXT, plus a checksum of its name
 * and subscription. MODSEQ is counted per mailbox in the store, so the state is the list of these per
 * mailbox, not one number; any change over IMAP, POP3, delivery or JMAP moves one of them, and {@code
 * /changes} reads back from it which messages changed ({@link #parse}).
 *
 * <p>Written as {@code id:uidvalidity:modseq:uidnext:namesum} in base 36 per mailbox, joined by
 * {@code ,}, in mailbox id order.
 */
record AccountState(List<Entry> mailboxes) {
  /** One mailbox's part of the state. */
  record Entry(long id, long uidValidity, long modseq, long uidNext, long nameSum) {}

  /** The present state, after taking in new deliveries so that it covers what a read will show. */
  static AccountState of(Account account) {
    List<Entry> out = new ArrayList<>();
    for (MailboxInfo m : account.mailboxes()) {
      account.poll(m.id());
    }
    java.util.Set<String> subscribed = account.subscriptions();
    for (MailboxInfo m : account.mailboxes()) {
      out.add(entry(m, subscribed.contains(m.name())));
    }
    out.sort(java.util.Comparator.comparingLong(Entry::id));
    return new AccountState(List.copyOf(out));
  }

  static Entry entry(MailboxInfo m, boolean subscribed) {
    CRC32 crc = new CRC32();
    crc.update((m.name() + "\0" + m.specialUse().orElse("") + "\0" + subscribed).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return new Entry(m.id(), m.uidValidity(), m.highestModseq(), m.uidNext(), crc.getValue() & 0xffff);
  }

  String encode() {
    StringBuilder b = new StringBuilder();
    for (Entry e : mailboxes) {
      if (!b.isEmpty()) {
        b.append(',');
      }
      b.append(Ids.b36(e.id)).append(':').append(Ids.b36(e.uidValidity)).append(':').append(Ids.b36(e.modseq))
          .append(':').append(Ids.b36(e.uidNext)).append(':').append(Ids.b36(e.nameSum));
    }
    return b.isEmpty() ? "0" : b.toString();
  }

  /** A state this server wrote, or empty when the text is not one (then {@code cannotCalculateChanges}). */
  static Optional<AccountState> parse(String s) {
    if (s == null || s.length() > 100_000) {
      return Optional.empty();
    }
    List<Entry> out = new ArrayList<>();
    if (s.equals("0")) {
      return Optional.of(new AccountState(List.of()));
    }
    for (String part : s.split(",", -1)) {
      String[] f = part.split(":", -1);
      if (f.length != 5) {
        return Optional.empty();
      }
      long[] v = new long[5];
      for (int k = 0; k < 5; k++) {
        v[k] = Ids.parse36(f[k]);
        if (v[k] < 0) {
          return Optional.empty();
        }
      }
      out.add(new Entry(v[0], v[1], v[2], v[3], v[4]));
    }
    return Optional.of(new AccountState(List.copyOf(out)));
  }

  Map<Long, Entry> byId() {
    Map<Long, Entry> m = new LinkedHashMap<>();
    mailboxes.forEach(e -> m.put(e.id, e));
    return m;
  }
}
