package dev.postamt.imap;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * A parsed IMAP command, one record per command (RFC 3501 §6, RFC 9051 §6). Mailbox names are as sent
 * on the wire (modified UTF-7 for IMAP4rev1 clients); the session decodes them.
 */
public sealed interface Command {
  /** A command with its tag, as the parser returns it. */
  record Tagged(String tag, Verb verb, Command command) {}

  record Capability() implements Command {}

  record Noop() implements Command {}

  record Logout() implements Command {}

  record StartTls() implements Command {}

  record Login(String user, String password) implements Command {}

  /** AUTHENTICATE with an optional SASL-IR initial response (RFC 4959); {@code "="} means empty. */
  record Authenticate(String mechanism, Optional<String> initialResponse) implements Command {}

  record Enable(List<String> capabilities) implements Command {}

  /** ID (RFC 2971): the client's field/value pairs, or empty for NIL. */
  record Id(List<String> params) implements Command {}

  record Namespace() implements Command {}

  /** SELECT, or EXAMINE when {@code readOnly}; {@code qresync} holds the RFC 7162 §3.2.5 parameter. */
  record Select(String mailbox, boolean readOnly, boolean condstore, Optional<QresyncParams> qresync)
      implements Command {
    Select(String mailbox, boolean readOnly, boolean condstore) {
      this(mailbox, readOnly, condstore, Optional.empty());
    }
  }

  /**
   * {@code QRESYNC (uidvalidity modseq [known-uids] [(known-sequence-set known-uid-set)])}: what the
   * client last knew of the mailbox (RFC 7162 §3.2.5). The two match sets, when given, have the same
   * number of members.
   */
  record QresyncParams(
      long uidValidity,
      long modseq,
      Optional<SequenceSet> knownUids,
      Optional<SequenceSet> matchSeqs,
      Optional<SequenceSet> matchUids) {}

  record Create(String mailbox, List<String> specialUse) implements Command {}

  record Delete(String mailbox) implements Command {}

  record Rename(String from, String to) implements Command {}

  record Subscribe(String mailbox, boolean subscribe) implements Command {}

  /**
   * LIST or LSUB; selection and return options in RFC 5258 syntax, when given; {@code statusItems} from
   * an RFC 5819 {@code RETURN (STATUS (...))}, else empty; {@code metadataEntries} from an RFC 9590
   * {@code RETURN (METADATA (...))} (lower case), else empty.
   */
  record ListMailboxes(
      String reference,
      List<String> patterns,
      boolean lsub,
      List<String> selection,
      List<String> returns,
      List<String> statusItems,
      List<String> metadataEntries)
      implements Command {
    ListMailboxes(String reference, List<String> patterns, boolean lsub, List<String> selection, List<String> returns,
        List<String> statusItems) {
      this(reference, patterns, lsub, selection, returns, statusItems, List.of());
    }
  }

  record Status(String mailbox, List<String> items) implements Command {}

  /**
   * APPEND of one message, or of several at once (MULTIAPPEND, RFC 3502: all stored or none). The
   * accessors for flags, date, message and binary are the first message's.
   */
  record Append(String mailbox, List<AppendMessage> messages) implements Command {
    Append(String mailbox, List<String> flags, Optional<ZonedDateTime> date, Literal message, boolean binary) {
      this(mailbox, List.of(new AppendMessage(flags, date, message, binary, List.of(), false)));
    }

    List<String> flags() {
      return messages.getFirst().flags();
    }

    Optional<ZonedDateTime> date() {
      return messages.getFirst().date();
    }

    Literal message() {
      return messages.getFirst().message();
    }

    boolean binary() {
      return messages.getFirst().binary();
    }
  }

  /**
   * One message of APPEND or REPLACE: a literal ({@code binary} when it came as a literal8 {@code ~{n}},
   * RFC 3516 §4.4; {@code utf8} for RFC 6855 §4 {@code UTF8 (~{n})}), or when {@code message} is null
   * the parts of a CATENATE (RFC 4469). A large literal is in a file ({@link Literal}), deleted when
   * the session is done with the command.
   */
  record AppendMessage(
      List<String> flags, Optional<ZonedDateTime> date, Literal message, boolean binary, List<CatPart> catenate,
      boolean utf8) {}

  /** A part of a CATENATE (RFC 4469 §5): literal text, or an IMAP URL (RFC 5092) of a message or part. */
  sealed interface CatPart {
    record Text(Literal text) implements CatPart {}

    record Url(String url) implements CatPart {}
  }

  /** REPLACE (RFC 8508): {@code number} is a sequence number, or a UID when {@code uid}. */
  record Replace(boolean uid, long number, String mailbox, AppendMessage message) implements Command {}

  record Check() implements Command {}

  record Close() implements Command {}

  record Unselect() implements Command {}

  record Idle() implements Command {}

  /** EXPUNGE, or UID EXPUNGE (RFC 4315) restricted to {@code uids}. */
  record Expunge(Optional<SequenceSet> uids) implements Command {}

  /** SEARCH; {@code returns} non-null for the RFC 4731 ESEARCH form {@code RETURN (...)}. */
  record Search(boolean uid, Optional<String> charset, SearchKey key, List<String> returns)
      implements Command {}

  /**
   * FETCH; {@code changedSince} is the RFC 7162 CHANGEDSINCE modifier, -1 when absent; {@code vanished}
   * the RFC 7162 §3.2.6 VANISHED modifier (UID FETCH with CHANGEDSINCE only).
   */
  record Fetch(
      boolean uid, SequenceSet set, List<FetchAttr> attrs, boolean macro, long changedSince, boolean vanished,
      PartialRange partial)
      implements Command {
    Fetch(boolean uid, SequenceSet set, List<FetchAttr> attrs, boolean macro, long changedSince) {
      this(uid, set, attrs, macro, changedSince, false, null);
    }
  }

  /** How STORE changes flags. */
  enum StoreMode {
    ADD,
    REMOVE,
    REPLACE
  }

  /** STORE; {@code unchangedSince} is the RFC 7162 UNCHANGEDSINCE modifier, -1 when absent. */
  record Store(
      boolean uid, SequenceSet set, StoreMode mode, boolean silent, List<String> flags, long unchangedSince)
      implements Command {}

  /** COPY, or MOVE (RFC 6851) when {@code move}. */
  record Copy(boolean uid, SequenceSet set, String mailbox, boolean move) implements Command {}

  /** GETQUOTA (RFC 9208 §4.1.1). */
  record GetQuota(String root) implements Command {}

  /** GETQUOTAROOT (RFC 9208 §4.1.2). */
  record GetQuotaRoot(String mailbox) implements Command {}

  /** SETQUOTA (RFC 9208 §4.1.3): resource names, upper case, with the limits asked for. */
  record SetQuota(String root, java.util.Map<String, Long> limits) implements Command {}

  /**
   * SORT (RFC 5256 §3); {@code returns} non-null for the ESORT form {@code RETURN (...)} (RFC 5267 §3),
   * with a PARTIAL option kept as {@code "PARTIAL low:high"}.
   */
  record Sort(boolean uid, List<SortCommands.Criterion> criteria, String charset, SearchKey key, List<String> returns)
      implements Command {}

  /** CANCELUPDATE (RFC 5267 §4.3.5): the tags of the searching commands whose updates end. */
  record CancelUpdate(List<String> tags) implements Command {}

  /** THREAD (RFC 5256 §3); the algorithm upper-cased as sent. */
  record Thread(boolean uid, String algorithm, String charset, SearchKey key) implements Command {}

  /** COMPRESS (RFC 4978 §3); the mechanism upper-cased as sent. */
  record Compress(String mechanism) implements Command {}

  /** GETMETADATA (RFC 5464 §4.2): entry names in lower case; {@code maxSize} -1 for none, depth -1 for infinity. */
  record GetMetadata(String mailbox, long maxSize, int depth, List<String> entries) implements Command {}

  /** SETMETADATA (RFC 5464 §4.3): entry names in lower case, a null value removes the entry. */
  record SetMetadata(String mailbox, java.util.Map<String, byte[]> values) implements Command {}

  /** NOTIFY (RFC 5465 §3): {@code NOTIFY NONE} is a spec without groups. */
  record Notify(NotifySpec spec) implements Command {}

  /** SETACL (RFC 4314 §3.1): {@code rights} as sent, with its optional {@code +}/{@code -}. */
  record SetAcl(String mailbox, String identifier, String rights) implements Command {}

  /** DELETEACL (RFC 4314 §3.2). */
  record DeleteAcl(String mailbox, String identifier) implements Command {}

  /** GETACL (RFC 4314 §3.3). */
  record GetAcl(String mailbox) implements Command {}

  /** LISTRIGHTS (RFC 4314 §3.4). */
  record ListRights(String mailbox, String identifier) implements Command {}

  /** MYRIGHTS (RFC 4314 §3.5). */
  record MyRights(String mailbox) implements Command {}

  /** RESETKEY (RFC 4467 §7): one mailbox, or all of them when {@code mailbox} is null; mechanisms upper-cased. */
  record ResetKey(String mailbox, List<String> mechanisms) implements Command {}

  /** GENURLAUTH (RFC 4467 §7): rump URLs and their mechanisms (upper-cased), pair by pair. */
  record GenUrlAuth(List<String> urls, List<String> mechanisms) implements Command {}

  /** URLFETCH (RFC 4467 §7) of URLs, each with its RFC 5524 parameters. */
  record UrlFetch(List<UrlFetchItem> urls) implements Command {}

  /** One URL of URLFETCH; {@code extended} for the RFC 5524 {@code (url params)} form. */
  record UrlFetchItem(String url, boolean extended, boolean body, boolean binary, boolean structure) {}
}
