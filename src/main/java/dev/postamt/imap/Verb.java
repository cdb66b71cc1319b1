package dev.postamt.imap;

import static dev.postamt.imap.State.AUTHENTICATED;
import static dev.postamt.imap.State.NOT_AUTHENTICATED;
import static dev.postamt.imap.State.SELECTED;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The command table: every command name, the states it is allowed in (RFC 3501 §6), whether it has a
 * UID form, and its argument parser. The session looks up the verb, checks the state, and hands the
 * parsed record to its handler.
 */
public enum Verb {
  CAPABILITY(any(), CommandParser::capability),
  NOOP(any(), CommandParser::noop),
  LOGOUT(any(), CommandParser::logout),
  ID(any(), CommandParser::id),
  STARTTLS(EnumSet.of(NOT_AUTHENTICATED), CommandParser::startTls),
  LOGIN(EnumSet.of(NOT_AUTHENTICATED), CommandParser::login),
  AUTHENTICATE(EnumSet.of(NOT_AUTHENTICATED), CommandParser::authenticate),
  ENABLE(authed(), CommandParser::enable),
  NAMESPACE(authed(), CommandParser::namespace),
  SELECT(authed(), p -> MailboxCommands.parseSelect(p, false)),
  EXAMINE(authed(), p -> MailboxCommands.parseSelect(p, true)),
  CREATE(authed(), MailboxCommands::parseCreate),
  DELETE(authed(), MailboxCommands::parseDelete),
  RENAME(authed(), MailboxCommands::parseRename),
  SUBSCRIBE(authed(), p -> MailboxCommands.parseSubscribe(p, true)),
  UNSUBSCRIBE(authed(), p -> MailboxCommands.parseSubscribe(p, false)),
  LIST(authed(), p -> ListCommand.parse(p, false)),
  LSUB(authed(), p -> ListCommand.parse(p, true)),
  STATUS(authed(), MailboxCommands::parseStatus),
  APPEND(authed(), AppendCommands::parseAppend),
  IDLE(authed(), CommandParser::idle),
  GETQUOTA(authed(), QuotaCommands::parseGetQuota),
  GETQUOTAROOT(authed(), QuotaCommands::parseGetQuotaRoot),
  SETQUOTA(authed(), QuotaCommands::parseSetQuota),
  GETMETADATA(authed(), MetadataCommands::parseGet),
  SETMETADATA(authed(), MetadataCommands::parseSet),
  NOTIFY(authed(), NotifySpec::parse),
  SETACL(authed(), AclCommands::parseSetAcl),
  DELETEACL(authed(), AclCommands::parseDeleteAcl),
  GETACL(authed(), AclCommands::parseGetAcl),
  LISTRIGHTS(authed(), AclCommands::parseListRights),
  MYRIGHTS(authed(), AclCommands::parseMyRights),
  CHECK(EnumSet.of(SELECTED), CommandParser::check),
  CLOSE(EnumSet.of(SELECTED), CommandParser::close),
  UNSELECT(EnumSet.of(SELECTED), CommandParser::unselect),
  EXPUNGE(EnumSet.of(SELECTED), CommandParser::expunge),
  SEARCH(EnumSet.of(SELECTED), CommandParser::search),
  FETCH(EnumSet.of(SELECTED), FetchParser::parse),
  STORE(EnumSet.of(SELECTED), CommandParser::store),
  COPY(EnumSet.of(SELECTED), p -> p.copy(false)),
  MOVE(EnumSet.of(SELECTED), p -> p.copy(true)),
  SORT(EnumSet.of(SELECTED), SortCommands::parseSort),
  THREAD(EnumSet.of(SELECTED), SortCommands::parseThread),
  CANCELUPDATE(EnumSet.of(SELECTED), SearchContexts::parseCancel),
  REPLACE(EnumSet.of(SELECTED), AppendCommands::parseReplace),
  RESETKEY(authed(), UrlAuthCommands::parseResetKey),
  GENURLAUTH(authed(), UrlAuthCommands::parseGenUrlAuth),
  URLFETCH(authed(), UrlAuthCommands::parseUrlFetch),
  COMPRESS(authed(), p -> {
    p.sp();
    return new Command.Compress(p.atom().toUpperCase(Locale.ROOT));
  });

  /** Commands that take the {@code UID} prefix (RFC 3501 §6.4.8, RFC 4315, RFC 6851, RFC 5256, RFC 8508). */
  static final Set<Verb> UID_FORMS = EnumSet.of(FETCH, STORE, COPY, MOVE, SEARCH, EXPUNGE, SORT, THREAD, REPLACE);

  /** Parses the arguments after the command name. */
  @FunctionalInterface
  interface ArgumentParser {
    Command parse(CommandParser p) throws ImapException;
  }

  private final Set<State> states;
  private final ArgumentParser parser;

  Verb(Set<State> states, ArgumentParser parser) {
    this.states = states;
    this.parser = parser;
  }

  public boolean allowedIn(State s) {
    return states.contains(s);
  }

  Command parse(CommandParser p) throws ImapException {
    return parser.parse(p);
  }

  static Verb lookup(String name) {
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Set<State> any() {
    return EnumSet.of(NOT_AUTHENTICATED, AUTHENTICATED, SELECTED);
  }

  private static Set<State> authed() {
    return EnumSet.of(AUTHENTICATED, SELECTED);
  }
}
