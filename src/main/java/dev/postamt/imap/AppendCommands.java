package dev.postamt.imap;

import dev.postamt.imap.Command.AppendMessage;
import dev.postamt.imap.Command.CatPart;
import dev.postamt.store.Account;
import dev.postamt.store.Flags;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * APPEND with its extensions: MULTIAPPEND (RFC 3502), CATENATE (RFC 4469), UTF8 (RFC 6855 §4), and
 * REPLACE (RFC 8508), which appends and then expunges the message it replaces.
 *
 * <p>Every message of a command is made ready before the first is stored: flags checked, CATENATE
 * parts fetched and joined, sizes checked against APPENDLIMIT and the quota. Then they are stored one
 * by one; should the store fail half-way (a full disk), those already stored are expunged again, so
 * the mailbox gets all or none (RFC 3502 §6.3.11). A CATENATE message is put together in memory (at
 * most APPENDLIMIT bytes); a plain literal that was spilled to a file goes to the store from there.
 */
final class AppendCommands {
  private static final Logger log = LoggerFactory.getLogger(AppendCommands.class);
  static final List<String> CAPABILITIES = List.of("MULTIAPPEND", "CATENATE", "REPLACE");
  /** Messages in one MULTIAPPEND and parts in one CATENATE; the literal limits bound their bytes. */
  static final int MAX_MESSAGES = 1000;

  private static final int MAX_PARTS = 100;
  private final ImapSession s;

  AppendCommands(ImapSession s) {
    this.s = s;
  }

  // ---- parsing ------------------------------------------------------------------------------------

  /** {@code APPEND SP mailbox 1*(SP append-message)} (RFC 3502 §6.3.11, RFC 4469 §5). */
  static Command parseAppend(CommandParser p) throws ImapException {
    p.sp();
    String mailbox = p.astring();
    List<AppendMessage> messages = new ArrayList<>();
    do {
      p.sp();
      if (messages.size() == MAX_MESSAGES) {
        throw ImapException.bad("Too many messages in one APPEND");
      }
      messages.add(message(p));
    } while (p.peek() == ' ');
    return new Command.Append(mailbox, messages);
  }

  /** {@code REPLACE SP seq-number SP mailbox SP append-message} (RFC 8508 §6), or its UID form. */
  static Command parseReplace(CommandParser p) throws ImapException {
    p.sp();
    long number = p.number();
    if (number > 0xFFFFFFFFL) {
      throw ImapException.bad("Invalid message number");
    }
    p.sp();
    String mailbox = p.astring();
    p.sp();
    return new Command.Replace(p.uid, number, mailbox, message(p));
  }

  /** {@code [flag-list SP] [date-time SP] (literal / literal8 / CATENATE (...) / UTF8 (literal8))}. */
  private static AppendMessage message(CommandParser p) throws ImapException {
    List<String> flags = List.of();
    if (p.peek() == '(') {
      flags = p.flagList();
      p.sp();
    }
    Optional<ZonedDateTime> date = Optional.empty();
    if (p.peek() == '"') {
      date = Optional.of(SearchParser.dateTime(p.string()));
      p.sp();
    }
    if (p.peek() == '{' || p.peek() == '~') {
      boolean binary = p.peek() == '~'; // literal8, RFC 3516 §4.4
      return new AppendMessage(flags, date, p.largeLiteral(), binary, List.of(), false);
    }
    if (p.peek() < 'A') {
      throw ImapException.bad("APPEND needs a literal");
    }
    String kind = p.atom().toUpperCase(Locale.ROOT);
    p.sp();
    p.expect('(');
    if (kind.equals("UTF8")) { // RFC 6855 §4: "UTF8" SP "(" literal8 ")"
      if (p.peek() != '~') {
        throw ImapException.bad("UTF8 needs a literal8");
      }
      Literal l = p.largeLiteral();
      p.expect(')');
      return new AppendMessage(flags, date, l, true, List.of(), true);
    }
    if (!kind.equals("CATENATE")) {
      throw ImapException.bad("APPEND needs a literal");
    }
    List<CatPart> parts = new ArrayList<>();
    while (true) {
      String type = p.atom().toUpperCase(Locale.ROOT);
      p.sp();
      switch (type) {
        case "TEXT" -> {
          if (p.peek() != '{' && p.peek() != '~') {
            throw ImapException.bad("TEXT needs a literal");
          }
          parts.add(new CatPart.Text(p.largeLiteral()));
        }
        case "URL" -> parts.add(new CatPart.Url(p.astring()));
        default -> throw ImapException.bad("Unknown CATENATE part " + CommandParser.printable(type));
      }
      if (parts.size() > MAX_PARTS) {
        throw ImapException.bad("Too many CATENATE parts");
      }
      if (p.peek() != ' ') {
        break;
      }
      p.sp();
    }
    p.expect(')');
    return new AppendMessage(flags, date, null, false, parts, false);
  }

  // ---- APPEND and REPLACE -------------------------------------------------------------------------

  /** A message made ready to store: its bytes, or a spilled literal to stream from. */
  private record Ready(Set<String> flags, long date, byte[] bytes, Literal file) {
    long size() {
      return bytes != null ? bytes.length : file.size();
    }

    InputStream open() throws IOException {
      return bytes != null ? new ByteArrayInputStream(bytes) : file.open();
    }
  }

  String append(Command.Append c) throws ImapException {
    MailboxInfo box = target(c.mailbox());
    List<Ready> ready = new ArrayList<>();
    for (AppendMessage m : c.messages()) {
      ready.add(prepare(m));
    }
    List<Long> uids = store(box, ready);
    return "[APPENDUID " + box.uidValidity() + " " + uidSet(uids) + "] APPEND completed";
  }

  /**
   * RFC 8508 §3: the new message is stored first; only then is the old one flagged {@code \Deleted} and
   * expunged (as UID EXPUNGE would), so a failure leaves the old message as it was.
   */
  String replace(Command.Replace c) throws ImapException, IOException {
    SelectedMailbox sel = s.selected;
    if (sel.readOnly) {
      throw ImapException.no("READ-ONLY", "The mailbox is read-only");
    }
    int msn = c.uid() ? sel.msn(c.number()) : (c.number() <= sel.size() ? (int) c.number() : 0);
    if (msn == 0) {
      throw ImapException.no("No such message");
    }
    long oldUid = sel.uid(msn);
    MailboxInfo box = target(c.mailbox());
    List<Long> uids = store(box, List.of(prepare(c.message())));
    s.w.untagged("OK [APPENDUID " + box.uidValidity() + " " + uids.getFirst() + "] Replacement message ready");
    sel.account.store(sel.id, List.of(oldUid), Account.FlagMode.ADD, List.of(Flags.DELETED));
    List<Long> removed = sel.account.expunge(sel.id, Optional.of(Set.of(oldUid)));
    sel.expunged(removed, s.w);
    return "REPLACE completed";
  }

  /** The account the last {@link #target} is in: the user's own, or a shared mailbox's owner's. */
  private Account into;
  /** This user's rights on the last {@link #target}: flags the user may not set are left off (RFC 4314 §4). */
  private dev.postamt.store.Rights intoRights = dev.postamt.store.Rights.ALL;

  /** RFC 4314 §4: APPEND into someone else's mailbox needs {@code i}. */
  private MailboxInfo target(String wireName) throws ImapException {
    String name = s.mailboxName(wireName);
    SharedMailboxes.Target t = AclChecks.copyTarget(s, name);
    into = t.account();
    intoRights = t.rights();
    return into.mailbox(t.local())
        .orElseThrow(() -> ImapException.no("TRYCREATE", "Mailbox doesn't exist: " + name));
  }

  private Ready prepare(AppendMessage m) throws ImapException {
    if (m.utf8() && !s.utf8Accept) {
      throw ImapException.bad("UTF8 APPEND needs ENABLE UTF8=ACCEPT"); // RFC 6855 §4
    }
    Set<String> flags = Set.copyOf(AclChecks.permittedFlags(intoRights, MessageCommands.checkFlags(m.flags()), false, false));
    long date = m.date().map(d -> d.toInstant().toEpochMilli()).orElse(System.currentTimeMillis());
    Ready r;
    if (m.message() == null) {
      r = new Ready(flags, date, catenate(m.catenate()), null);
    } else if (m.message().spilled() && !m.binary() && !m.message().hasNul()) {
      r = new Ready(flags, date, null, m.message()); // streamed from its spill file, never in memory
    } else {
      r = new Ready(flags, date, BinaryUpload.storable(m.message().bytes(), m.binary()), null);
    }
    if (r.size() == 0) {
      throw ImapException.no("Can't save a zero byte message");
    }
    return r;
  }

  /** Stores all messages or, when the store fails half-way, none; returns their UIDs in order. */
  private List<Long> store(MailboxInfo box, List<Ready> ready) throws ImapException {
    long bytes = ready.stream().mapToLong(Ready::size).sum();
    if (!into.fits(bytes, ready.size())) {
      throw ImapException.no("OVERQUOTA", "Quota exceeded (mailbox for user is full)");
    }
    List<Long> uids = new ArrayList<>();
    try {
      for (Ready r : ready) {
        try (InputStream in = r.open()) {
          uids.add(into.append(box.name(), in, r.size(), r.flags(), r.date()).uid());
        } catch (IOException e) {
          throw ImapException.no("SERVERBUG", "Cannot read the uploaded message back: " + e.getMessage());
        }
      }
    } catch (ImapException | RuntimeException e) { // StoreException among them
      undo(box, uids);
      throw e;
    }
    return uids;
  }

  private void undo(MailboxInfo box, List<Long> uids) {
    if (uids.isEmpty()) {
      return;
    }
    try {
      into.store(box.id(), uids, Account.FlagMode.ADD, List.of(Flags.DELETED));
      into.expunge(box.id(), Optional.of(new HashSet<>(uids)));
    } catch (RuntimeException e) {
      log.warn("imap APPEND for {}: could not take back {} of a failed MULTIAPPEND: {}", s.account.user(), uids, e.toString());
    }
  }

  /** {@code 4}, {@code 4:6}, {@code 4:5,9}: the UIDs of APPENDUID (RFC 4315 §3 uid-set). */
  static String uidSet(List<Long> uids) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < uids.size(); i++) {
      int j = i;
      while (j + 1 < uids.size() && uids.get(j + 1) == uids.get(j) + 1) {
        j++;
      }
      if (!b.isEmpty()) {
        b.append(',');
      }
      b.append(uids.get(i));
      if (j > i) {
        b.append(':').append(uids.get(j));
      }
      i = j;
    }
    return b.toString();
  }

  // ---- CATENATE (RFC 4469) ------------------------------------------------------------------------

  private byte[] catenate(List<CatPart> parts) throws ImapException {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (CatPart part : parts) {
      byte[] data = switch (part) {
        case CatPart.Text t -> t.text().bytes();
        case CatPart.Url u -> resolve(u.url());
      };
      if ((long) o.size() + data.length > s.settings.maxLiteral()) {
        throw ImapException.no("TOOBIG", "The message would be larger than " + s.settings.maxLiteral() + " octets");
      }
      o.write(data, 0, data.length);
    }
    return o.toByteArray();
  }

  /**
   * The octets a URL names, as {@code BODY.PEEK[section]<partial>} would give them (RFC 4469 §5). A URL
   * that is malformed, names another user, a mailbox whose UIDVALIDITY has changed, or a message that is
   * not there, is {@code NO [BADURL "url"]} (§6).
   */
  private byte[] resolve(String url) throws ImapException {
    ImapException bad = ImapException.no("BADURL " + ResponseWriter.quote(url), "Invalid URL");
    if (ImapUrl.parse(url).isEmpty() && ImapUrl.parseAuthorized(url).isPresent()) {
      return authorized(url);
    }
    ImapUrl u = ImapUrl.parse(url).orElseThrow(() -> bad);
    if (u.user() != null && !u.user().equalsIgnoreCase(s.account.user())) {
      throw bad;
    }
    MailboxInfo box = s.account.mailbox(dev.postamt.store.MailboxNames.normalize(u.mailbox())).orElseThrow(() -> bad);
    if (u.uidValidity() >= 0 && u.uidValidity() != box.uidValidity()) {
      throw bad;
    }
    MessageRecord rec = find(s.account.snapshot(box.id()).messages(), u.uid());
    if (rec == null) {
      throw bad;
    }
    byte[] content;
    Optional<MessageContent> file = s.account.open(box, rec);
    if (file.isEmpty()) {
      throw bad;
    }
    try (MessageContent c = file.get()) {
      if (c.size() > s.settings.maxLiteral()) {
        throw ImapException.no("TOOBIG", "The message would be larger than " + s.settings.maxLiteral() + " octets");
      }
      content = c.readAllBytes();
    } catch (IOException e) {
      throw ImapException.no("SERVERBUG", "Cannot read the message the URL names");
    }
    return u.select(content, bad);
  }

  /** RFC 4469 §5: a URLAUTH-authorized URL, checked as URLFETCH checks it, may name anyone's message. */
  private byte[] authorized(String url) throws ImapException {
    UrlAuthority.Requester me = new UrlAuthority.Requester(s.account.user(), false);
    try (UrlAuthority.Opened o = new UrlAuthority(s.store).open(url, me, s.account)) {
      if (o.content.size() > s.settings.maxLiteral()) {
        throw ImapException.no("TOOBIG", "The message would be larger than " + s.settings.maxLiteral() + " octets");
      }
      return o.bytes();
    } catch (UrlAuthority.Failure f) {
      throw ImapException.no("BADURL " + ResponseWriter.quote(url), f.getMessage());
    } catch (IOException e) {
      throw ImapException.no("SERVERBUG", "Cannot read the message the URL names");
    }
  }

  static MessageRecord find(List<MessageRecord> messages, long uid) {
    int lo = 0;
    int hi = messages.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long u = messages.get(mid).uid();
      if (u < uid) {
        lo = mid + 1;
      } else if (u > uid) {
        hi = mid - 1;
      } else {
        return messages.get(mid);
      }
    }
    return null;
  }
}
