package dev.postamt.imap;

import dev.postamt.store.Quota;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The QUOTA extension (RFC 9208): GETQUOTAROOT, GETQUOTA, SETQUOTA, with their argument parsers.
 *
 * <p>Each user has one quota root, named {@code ""} (as Dovecot's default), over all of their
 * mailboxes, with the resources STORAGE (in units of 1024 octets, RFC 9208 §5.1) and MESSAGE (§5.2).
 * A resource without a limit is left out of the QUOTA response (its grammar has no "unlimited"); a user
 * without any limit has no quota root at all, so GETQUOTAROOT names none and GETQUOTA "" is NO.
 * Limits are set by the administrator ({@code postamt user quota}); SETQUOTA is refused, and QUOTASET
 * is not advertised (allowed by RFC 9208 §4.1.3, unlike RFC 2087).
 */
final class QuotaCommands {
  /** RFC 9208 §3.1: a server that follows it advertises the resources it limits. */
  static final List<String> CAPABILITIES = List.of("QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE");

  /** The one quota root of every user. */
  static final String ROOT = "";

  private final ImapSession s;

  QuotaCommands(ImapSession s) {
    this.s = s;
  }

  // ---- parsing (RFC 9208 §7) -------------------------------------------------------------------------

  /** {@code getquota = "GETQUOTA" SP quota-root-name} */
  static Command parseGetQuota(CommandParser p) throws ImapException {
    p.sp();
    return new Command.GetQuota(p.astring());
  }

  /** {@code getquotaroot = "GETQUOTAROOT" SP mailbox} */
  static Command parseGetQuotaRoot(CommandParser p) throws ImapException {
    p.sp();
    return new Command.GetQuotaRoot(p.astring());
  }

  /**
   * {@code setquota = "SETQUOTA" SP quota-root-name SP setquota-list}, {@code setquota-list = "("
   * [setquota-resource *(SP setquota-resource)] ")"}, {@code setquota-resource = resource-name SP
   * resource-limit}. Parsed in full so that a malformed command is BAD, not NO.
   */
  static Command parseSetQuota(CommandParser p) throws ImapException {
    p.sp();
    String root = p.astring();
    p.sp();
    p.expect('(');
    Map<String, Long> limits = new LinkedHashMap<>();
    while (p.peek() != ')') {
      if (!limits.isEmpty()) {
        p.sp();
      }
      String resource = p.atom().toUpperCase(Locale.ROOT);
      p.sp();
      limits.put(resource, p.number0());
    }
    p.expect(')');
    return new Command.SetQuota(root, limits);
  }

  // ---- commands ----------------------------------------------------------------------------------------

  /** RFC 9208 §4.1.2: the roots of a mailbox, then a QUOTA response for each. */
  String getQuotaRoot(Command.GetQuotaRoot c) throws ImapException, IOException {
    String name = s.mailboxName(c.mailbox());
    if (s.account.mailbox(name).isEmpty()) {
      throw ImapException.no("NONEXISTENT", "Mailbox doesn't exist: " + name);
    }
    Quota.Status q = s.account.quota();
    if (q.limit().unlimited()) {
      s.w.untagged("QUOTAROOT " + s.wireName(name));
    } else {
      s.w.untagged("QUOTAROOT " + s.wireName(name) + " " + ResponseWriter.quote(ROOT));
      s.w.untagged(quotaResponse(q));
    }
    return "GETQUOTAROOT completed";
  }

  /** RFC 9208 §4.1.1. */
  String getQuota(Command.GetQuota c) throws ImapException, IOException {
    Quota.Status q = s.account.quota();
    if (!c.root().equals(ROOT) || q.limit().unlimited()) {
      throw ImapException.no("NONEXISTENT", "No such quota root");
    }
    s.w.untagged(quotaResponse(q));
    return "GETQUOTA completed";
  }

  /** RFC 9208 §4.1.3: users may not change their own limits. */
  String setQuota(Command.SetQuota c) throws ImapException {
    throw ImapException.no("NOPERM", "Quota limits are set by the administrator");
  }

  /** {@code QUOTA "" (STORAGE used limit MESSAGE used limit)}, limited resources only. */
  static String quotaResponse(Quota.Status q) {
    List<String> res = new ArrayList<>();
    if (q.limit().storageBytes() > 0) {
      res.add("STORAGE " + kib(q.usage().bytes()) + " " + q.limit().storageBytes() / 1024);
    }
    if (q.limit().messages() > 0) {
      res.add("MESSAGE " + q.usage().messages() + " " + q.limit().messages());
    }
    return "QUOTA " + ResponseWriter.quote(ROOT) + " (" + String.join(" ", res) + ")";
  }

  /** Bytes in units of 1024 octets, rounded up: a mailbox with any mail never shows 0. */
  static long kib(long bytes) {
    return (bytes + 1023) / 1024;
  }
}
