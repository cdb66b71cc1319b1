package dev.postamt.imap;

import dev.postamt.smtp.BurlResolver;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MailboxNames;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import dev.postamt.store.StoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * URLAUTH-authorized URLs (RFC 4467) with the INTERNAL mechanism: making them (GENURLAUTH), revoking
 * them (RESETKEY) and checking them when one is used (URLFETCH here, BURL in SMTP submission through
 * {@link BurlResolver}, both in-process).
 *
 * <p>The token is {@code 01} (the algorithm's version, as RFC 4467 §2.4.1 advises) followed by
 * HMAC-SHA256 over the rump URL exactly as sent (§6: no decoding, no case-folding), in hexadecimal. Its
 * key is the mailbox access key (§2.2): 32 random bytes per user and mailbox, made at the first
 * GENURLAUTH, replaced by RESETKEY. It is kept in the store with the mailbox, as a METADATA entry whose
 * name ({@link #KEY_ENTRY}) has no leading {@code /}, so it is outside RFC 5464's names and no METADATA
 * command can see or set it; deleting the mailbox deletes it, and backups keep it with the mailbox.
 * Only the user's own mailboxes get keys: a URL naming a mailbox in {@code Other Users/} is refused.
 *
 * <p>Checking a URL (§6) first looks at what the URL says (mechanism, expiry, access identifier), then
 * computes the token with the named owner's key and compares in constant time; when the owner, the
 * mailbox or its key does not exist, a token is computed with a random key all the same, so that the
 * time taken does not tell which mailboxes exist. Failures before the token matched all read alike.
 * The data is read with the owner's rights (§7 URLFETCH): the owner's account is opened for it.
 */
public final class UrlAuthority implements BurlResolver {
  static final String MECHANISM = "INTERNAL";
  /** The metadata entry of a mailbox that holds its access key (see the class comment). */
  static final String KEY_ENTRY = "urlauth-key";
  private static final String TOKEN_VERSION = "01";
  /**
   * Made at its first use, not when the class is: a process's first SecureRandom sets up the JDK's
   * security providers (~30 ms), which a server's start then no longer waits for (issue 27).
   */
  private static final class Lazy {
    static final SecureRandom RANDOM = new SecureRandom();
  }
  /** A key is made once per mailbox; two sessions asking at once must not make two. */
  private static final Object KEY_LOCK = new Object();

  private final MailStore store;

  public UrlAuthority(MailStore store) {
    this.store = store;
  }

  /** Why a URL cannot be used; {@code authorization} when it failed before or at the token check. */
  static final class Failure extends Exception {
    final boolean authorization;

    Failure(boolean authorization, String text) {
      super(text);
      this.authorization = authorization;
    }
  }

  /** Who uses a URL: an IMAP session's user, or the submission server acting for {@code user}. */
  record Requester(String user, boolean submission) {}

  // ---- GENURLAUTH and RESETKEY (RFC 4467 §7) ---------------------------------------------------------

  /**
   * The URLAUTH-authorized form of {@code rump} for the owner of {@code own}. RFC 4467 §7: a URL that
   * fails a check is a tagged BAD.
   */
  String generate(Account own, String rump, String mechanism) throws ImapException {
    String code = "BADURL " + ResponseWriter.quote(rump);
    if (!mechanism.equalsIgnoreCase(MECHANISM)) {
      throw ImapException.bad(code, "Unknown URLAUTH mechanism (this server has INTERNAL)");
    }
    ImapUrl u = ImapUrl.parseAuthorized(rump).orElse(null);
    if (u == null || u.auth().mechanism() != null) {
      throw ImapException.bad(code, "Not a URL rump: imap://user@host/mailbox/;UID=n[/;SECTION=s];URLAUTH=access");
    }
    if (!qualified(u.user(), own.user()).equalsIgnoreCase(own.user())) {
      throw ImapException.bad(code, "The URL must name you (" + own.user() + ") as its owner");
    }
    if (accessProblem(u.auth().access(), null) != null) {
      throw ImapException.bad(code, "Unknown access identifier (submit+user, user+user, authuser or anonymous)");
    }
    if (u.auth().expire() != null && u.auth().expire().isBefore(Instant.now())) {
      throw ImapException.bad(code, "The URL would have expired already");
    }
    MailboxInfo box = own.mailbox(MailboxNames.normalize(u.mailbox()))
        .orElseThrow(() -> ImapException.bad(code, "No such mailbox of yours"));
    if (u.uidValidity() >= 0 && u.uidValidity() != box.uidValidity()) {
      throw ImapException.bad(code, "UIDVALIDITY does not match the mailbox");
    }
    if (AppendCommands.find(own.snapshot(box.id()).messages(), u.uid()) == null) {
      throw ImapException.bad(code, "No message with that UID");
    }
    if (!u.section().isEmpty()) {
      u.sectionSpec(ImapException.bad(code, "Invalid section"));
    }
    byte[] key = key(own, box, true);
    return u.auth().rump() + ":" + MECHANISM + ":" + token(key, u.auth().rump());
  }

  /** RESETKEY with a mailbox: a new key for it, so every URL made with the old one fails (§7). */
  void reset(Account own, MailboxInfo box) {
    synchronized (KEY_LOCK) {
      own.setMetadata(box.id(), Map.of(KEY_ENTRY, newKey()));
    }
  }

  /** RESETKEY without arguments: all the user's keys go; new ones are made at the next GENURLAUTH. */
  void resetAll(Account own) {
    synchronized (KEY_LOCK) {
      for (MailboxInfo box : own.mailboxes()) {
        if (own.metadata(box.id()).containsKey(KEY_ENTRY)) {
          Map<String, byte[]> remove = new HashMap<>();
          remove.put(KEY_ENTRY, null);
          own.setMetadata(box.id(), remove);
        }
      }
    }
  }

  /**
   * A user name of a URL as an account name: one without a domain ({@code imap://alice@host/…}, as
   * clients that log in with the local part write it) is taken in the domain of {@code like}, the user
   * who makes or uses the URL. The token still has to match the key of the account so named.
   */
  static String qualified(String user, String like) {
    int at = like.indexOf('@');
    return user.indexOf('@') >= 0 || at < 0 ? user : user + like.substring(at);
  }

  private static byte[] key(Account owner, MailboxInfo box, boolean create) {
    synchronized (KEY_LOCK) {
      byte[] key = owner.metadata(box.id()).get(KEY_ENTRY);
      if (key == null && create) {
        key = newKey();
        owner.setMetadata(box.id(), Map.of(KEY_ENTRY, key));
      }
      return key;
    }
  }

  private static byte[] newKey() {
    byte[] k = new byte[32];
    Lazy.RANDOM.nextBytes(k);
    return k;
  }

  static String token(byte[] key, String rump) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return TOKEN_VERSION + HexFormat.of().formatHex(mac.doFinal(rump.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 not available", e);
    }
  }

  /**
   * What is wrong with using a URL of access identifier {@code access} for {@code who} (RFC 4467 §3), or
   * null; with {@code who} null, only whether the identifier is one of the four.
   */
  private static String accessProblem(String access, Requester who) {
    String a = access.toLowerCase(Locale.ROOT);
    if (a.equals("anonymous") || a.equals("authuser")) {
      return null; // every session here is logged in
    }
    boolean submit = a.startsWith("submit+");
    if (!submit && !a.startsWith("user+")) {
      return "Unknown access identifier " + access;
    }
    String user = ImapUrl.decode(access.substring(submit ? 7 : 5));
    if (user == null || user.isEmpty()) {
      return "Invalid user name in the access identifier";
    }
    if (who == null) {
      return null;
    }
    if (submit && !who.submission()) {
      return "The URL is for the submission server (BURL) only";
    }
    if (!qualified(user, who.user()).equalsIgnoreCase(who.user())) {
      return "The URL is for " + user + " only";
    }
    return null;
  }

  // ---- using a URL (RFC 4467 §6) ---------------------------------------------------------------------

  /** A verified URL with its message open; closing it closes the message and the owner's account. */
  static final class Opened implements AutoCloseable {
    final ImapUrl url;
    final MessageContent content;
    private final Account borrowed;
    private FetchResponder responder;

    private Opened(ImapUrl url, MessageContent content, Account borrowed) {
      this.url = url;
      this.content = content;
      this.borrowed = borrowed;
    }

    /** The octets the URL names (section and partial applied). */
    byte[] bytes() throws IOException, Failure {
      try {
        return url.select(content.readAllBytes(), ImapException.bad("section"));
      } catch (ImapException e) {
        throw new Failure(false, "Invalid section in the URL");
      }
    }

    /**
     * The part the URL names with its transfer encoding undone (RFC 5524 §3.1 BINARY, as FETCH BINARY of
     * RFC 3516 §4.2 gives it: a multipart or message/rfc822 part, whose own encoding is the identity, is
     * sent unchanged); partial applied after. Null when the encoding is unknown: §5 has NIL then.
     */
    byte[] binary() throws IOException, Failure {
      FetchAttr.Section s = part();
      try {
        return url.partial(responder().binary(s.part()));
      } catch (ImapException unknownEncoding) {
        return null;
      }
    }

    /**
     * The BODYSTRUCTURE of the part the URL names (RFC 5524 BODYPARTSTRUCTURE); with {@code binary},
     * of the data as {@link #binary()} gives it.
     */
    byte[] bodyPartStructure(boolean binary) throws IOException, Failure {
      byte[] s = responder().structure(part().part(), binary);
      if (s == null) {
        throw new Failure(false, "The message has no such part");
      }
      return s;
    }

    private FetchResponder responder() throws IOException {
      if (responder == null) {
        responder = new FetchResponder(content.readAllBytes());
      }
      return responder;
    }

    private FetchAttr.Section part() throws Failure {
      if (url.section().isEmpty()) {
        return new FetchAttr.Section(true, java.util.List.of(), "", java.util.List.of(), -1, -1);
      }
      try {
        FetchAttr.Section s = url.sectionSpec(ImapException.bad("section"));
        if (s.spec().isEmpty()) {
          return s;
        }
      } catch (ImapException e) {
        // below
      }
      throw new Failure(false, "BINARY and BODYPARTSTRUCTURE need a URL of a body part (a section number)");
    }

    @Override
    public void close() {
      try {
        content.close();
      } catch (IOException ignored) {
        // read-only
      }
      if (borrowed != null) {
        borrowed.close();
      }
    }
  }

  /**
   * Checks {@code url} for {@code who} and opens the message it names. {@code session} is the caller's
   * own account (or null), used as it is when the URL is the caller's own.
   */
  Opened open(String url, Requester who, Account session) throws Failure {
    ImapUrl u = ImapUrl.parseAuthorized(url).orElse(null);
    if (u == null || u.auth().token() == null) {
      throw new Failure(true, "Not a URLAUTH-authorized IMAP message URL");
    }
    if (!u.auth().mechanism().equalsIgnoreCase(MECHANISM)) {
      throw new Failure(true, "Unknown URLAUTH mechanism " + u.auth().mechanism());
    }
    if (u.auth().expire() != null && u.auth().expire().isBefore(Instant.now())) {
      throw new Failure(true, "The URL has expired");
    }
    String problem = accessProblem(u.auth().access(), who);
    if (problem != null) {
      throw new Failure(true, problem);
    }
    String owner = qualified(u.user(), who.user()).toLowerCase(Locale.ROOT);
    Account account = null;
    boolean borrowed = false;
    try {
      if (session != null && session.user().equalsIgnoreCase(owner)) {
        account = session;
      } else if (store.exists(owner)) {
        account = store.open(owner);
        borrowed = true;
      }
      Optional<MailboxInfo> box = account == null ? Optional.empty()
          : account.mailbox(MailboxNames.normalize(u.mailbox()));
      byte[] key = box.isPresent() ? key(account, box.get(), false) : null;
      // RFC 4467 §6: compute a token even when there is nothing to check it against.
      String expected = token(key != null ? key : newKey(), u.auth().rump());
      boolean match = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
          u.auth().token().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
      if (key == null || !match) {
        throw new Failure(true, "URLAUTH verification failed (a changed URL, a reset key or an unknown mailbox)");
      }
      MailboxInfo b = box.get();
      if (u.uidValidity() >= 0 && u.uidValidity() != b.uidValidity()) {
        throw new Failure(false, "The mailbox has been recreated since (UIDVALIDITY differs)");
      }
      MessageRecord rec = AppendCommands.find(account.snapshot(b.id()).messages(), u.uid());
      Optional<MessageContent> content = rec == null ? Optional.empty() : account.open(b, rec);
      if (content.isEmpty()) {
        throw new Failure(false, "The message is no longer there");
      }
      Opened o = new Opened(u, content.get(), borrowed ? account : null);
      borrowed = false; // the Opened closes it now
      return o;
    } finally {
      if (borrowed) {
        account.close();
      }
    }
  }

  // ---- BURL (RFC 4468) -------------------------------------------------------------------------------

  /**
   * A BURL URL for {@code submitter}: URLAUTH with {@code submit+}, {@code user+} of the submitter,
   * {@code authuser} or {@code anonymous}; or a plain URL of the submitter's own mailbox (the trust
   * relationship of RFC 4468 §3.3, which an in-process submission server has). A whole message streams
   * from the store; a part is cut in memory.
   */
  @Override
  public Content open(String url, String submitter) throws Refused {
    Opened o;
    try {
      o = ImapUrl.parse(url).isPresent() ? plain(url, submitter) : open(url, new Requester(submitter, true), null);
    } catch (Failure f) {
      throw f.authorization
          ? new Refused(554, "5.7.0", "IMAP URL authorization failed: " + f.getMessage())
          : new Refused(554, "5.6.6", "IMAP URL resolution failed: " + f.getMessage());
    } catch (StoreException e) {
      throw new Refused(451, "4.4.1", "IMAP URL resolution failed for now; try again later");
    }
    try {
      if (o.url.section().isEmpty() && o.url.partialOffset() < 0) {
        MessageContent c = o.content;
        return new Content(new java.io.FilterInputStream(c.stream()) {
          @Override
          public void close() throws IOException {
            super.close();
            o.close();
          }
        }, c.size());
      }
      byte[] data = o.bytes();
      o.close();
      return new Content(new ByteArrayInputStream(data), data.length);
    } catch (IOException | Failure e) {
      o.close();
      throw new Refused(451, "4.4.1", "IMAP URL resolution failed for now; try again later");
    }
  }

  /** A plain URL: only the submitter's own mailboxes, without a token. */
  private Opened plain(String url, String submitter) throws Failure {
    ImapUrl u = ImapUrl.parse(url).orElseThrow();
    if (u.user() == null || !qualified(u.user(), submitter).equalsIgnoreCase(submitter)) {
      throw new Failure(true, "A URL without URLAUTH must be one of your own messages");
    }
    Account account = store.open(submitter.toLowerCase(Locale.ROOT));
    boolean close = true;
    try {
      MailboxInfo b = account.mailbox(MailboxNames.normalize(u.mailbox()))
          .orElseThrow(() -> new Failure(false, "No such mailbox"));
      if (u.uidValidity() >= 0 && u.uidValidity() != b.uidValidity()) {
        throw new Failure(false, "The mailbox has been recreated since (UIDVALIDITY differs)");
      }
      MessageRecord rec = AppendCommands.find(account.snapshot(b.id()).messages(), u.uid());
      Optional<MessageContent> content = rec == null ? Optional.empty() : account.open(b, rec);
      if (content.isEmpty()) {
        throw new Failure(false, "The message is no longer there");
      }
      close = false;
      return new Opened(u, content.get(), account);
    } finally {
      if (close) {
        account.close();
      }
    }
  }
}
