package dev.postamt.imap;

import dev.postamt.directory.LoginCheck;
import dev.postamt.imap.Command.Tagged;
import dev.postamt.net.AuthThrottle;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxNames;
import dev.postamt.store.StoreException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection, from greeting to BYE, on its own (virtual) thread: read a command, check the
 * state table ({@link Verb}), run it, report changes of the selected mailbox, answer with the tag.
 * What each command does is elsewhere: {@link CommandHandlers} hands it to its command group ({@link
 * MailboxCommands}, {@link MessageCommands}, {@link LoginCommands}, …), and {@link Capabilities} makes
 * the capability list. Here are the loop, the state the command groups share, and the replies to failures.
 */
public final class ImapSession {
  private static final Logger log = LoggerFactory.getLogger(ImapSession.class);

  final ImapTransport transport;
  final ImapSettings settings;
  final MailStore store;
  final LoginCheck logins;
  ResponseWriter w;
  CommandReader reader;
  State state = State.NOT_AUTHENTICATED;
  Account account;
  /** Learns from moves into and out of Junk; null when the server does not (spam.learn_from_junk off). */
  JunkLearning junkLearning;
  SelectedMailbox selected;
  /** The tag of the command running, for INPROGRESS (RFC 9585); how often a long search reports. */
  String runningTag;
  java.time.Duration progressInterval = java.time.Duration.ofSeconds(2);
  /** The NOTIFY (RFC 5465) in force, or null when the client never sent one. */
  NotifyWatch notify;
  /** RFC 7162 §3.1: once a CONDSTORE-enabling command was seen, FETCH responses carry MODSEQ. */
  boolean condstore;
  /** RFC 7162 §3.2.3: after ENABLE QRESYNC, expunges are reported as VANISHED for the connection. */
  boolean qresync;
  /** RFC 9586: after ENABLE UIDONLY no message sequence numbers either way ({@link UidOnly}). */
  boolean uidOnly;
  /**
   * After {@code ENABLE IMAP4rev2} (RFC 9051 Appendix A): rev2 semantics for this connection — no
   * \Recent or RECENT, SEARCH answered as ESEARCH, UID in unsolicited FETCH, LIST on SELECT, and
   * mailbox names in UTF-8 instead of modified UTF-7.
   */
  boolean rev2;
  /** After {@code ENABLE UTF8=ACCEPT} (RFC 6855 §3): UTF-8 in quoted strings and mailbox names, APPEND UTF8. */
  boolean utf8Accept;
  private int badCount;
  /** STARTTLS, LOGIN and AUTHENTICATE, and the failed logins of this session. */
  final LoginCommands login;
  private final CommandHandlers handlers = new CommandHandlers(this);
  /** Called from the command loop, not through {@link #handlers}: see {@link IdleCommand}. */
  final IdleCommand idle = new IdleCommand(this);
  /** Namespaces and other users' mailboxes (RFC 2342, RFC 4314); set at login. */
  SharedMailboxes shared;

  public ImapSession(ImapTransport transport, ImapSettings settings, MailStore store, LoginCheck logins) {
    this(transport, settings, store, logins, null);
  }

  /** @param throttle failed logins per client address across sessions and protocols; may be null */
  public ImapSession(
      ImapTransport transport, ImapSettings settings, MailStore store, LoginCheck logins, AuthThrottle throttle) {
    this.transport = transport;
    this.settings = settings;
    this.store = store;
    this.logins = logins;
    this.login = new LoginCommands(this, throttle);
    attachStreams();
  }

  /** A reader and a writer on the transport's streams: at the start, and after STARTTLS. */
  void attachStreams() {
    w = new ResponseWriter(transport.out());
    reader = new CommandReader(transport.in(), settings.maxLine(), settings.maxLiteral(), spillDir(store));
  }

  /** Large APPEND literals go to {@code data_dir/tmp} (on the store's file system, not the heap). */
  static java.nio.file.Path spillDir(MailStore store) {
    return store == null ? null : store.dataDir().resolve("tmp");
  }

  /** Runs the conversation until LOGOUT, end of stream, time-out or a fatal error. */
  public void run() {
    try {
      transport.setReadTimeout(settings.loginTimeout());
      w.untagged("OK [CAPABILITY " + Capabilities.of(this) + "] " + settings.hostname() + " Postamt IMAP ready");
      w.flush();
      while (state != State.LOGOUT) {
        if (idle.waiting()) {
          idle.awaitDone(); // from here, not from handle: see IdleCommand
          continue;
        }
        CommandBytes cmd;
        transport.holdGoodbye(false); // the last literal, if any, has been answered
        try {
          NotifyWatch.awaitingClient(notify); // NOTIFY: news go out as they happen until the client speaks
          cmd = reader.read(() -> {
            transport.holdGoodbye(true); // a shutdown lets the literal (APPEND) finish
            NotifyWatch.exclusive(notify, () -> w.continuation("Ready for literal data"));
          });
          NotifyWatch.clientSpoke(notify);
        } catch (CommandReader.TooLongException e) {
          NotifyWatch.clientSpoke(notify);
          if (e.fatal) {
            w.untagged("BYE " + e.getMessage());
            w.flush();
            return;
          }
          if (e.tag != null) {
            w.tagged(e.tag, "NO [TOOBIG] " + e.getMessage()); // RFC 9051 §7.1 TOOBIG
          } else {
            bad("*", e.getMessage());
          }
          continue;
        }
        if (cmd == null) {
          return;
        }
        try (cmd) {
          handle(cmd);
        }
      }
    } catch (SocketTimeoutException e) {
      try {
        NotifyWatch.clientSpoke(notify);
        w.untagged(e instanceof dev.postamt.net.LineDeadlineException
            ? "BYE Command not received in time" : "BYE Autologout; idle for too long");
        w.flush();
      } catch (IOException ignored) {
        // peer gone
      }
    } catch (IOException e) {
      log.debug("imap connection from {} ended: {}", transport.remote(), e.toString());
    } catch (TooManyErrors e) {
      // BYE already written
    } finally {
      if (notify != null) {
        notify.close();
        notify = null;
      }
      if (shared != null) {
        shared.close(); // gives back the other users' accounts
      }
      if (account != null) {
        account.close();
        account = null;
      }
    }
  }

  static final class TooManyErrors extends Exception {}

  void bad(String tag, String text) throws IOException, TooManyErrors {
    w.tagged(tag, "BAD " + text);
    if (++badCount >= settings.maxBadCommands()) {
      w.untagged("BYE Too many invalid commands");
      w.flush();
      throw new TooManyErrors();
    }
  }

  void handle(CommandBytes line) throws IOException, TooManyErrors {
    CommandParser p = new CommandParser(line);
    Tagged t;
    try {
      t = p.parse();
    } catch (ImapException e) {
      bad(p.tag(), e.getMessage());
      return;
    }
    if (!t.verb().allowedIn(state)) {
      bad(t.tag(), t.verb() + " not allowed " + switch (state) {
        case NOT_AUTHENTICATED -> "before login";
        case AUTHENTICATED -> "without a selected mailbox";
        default -> "now";
      });
      return;
    }
    runningTag = t.tag();
    try {
      if (uidOnly) {
        UidOnly.check(t.command());
      }
      String ok = handlers.execute(t);
      if (ok == null) {
        return; // the command answered itself (STARTTLS, IDLE)
      }
      syncSelected(t);
      w.tagged(t.tag(), "OK " + ok);
    } catch (ImapException e) {
      syncQuietly(t);
      if (e.status() == ImapException.Status.BAD) {
        bad(t.tag(), (e.code() == null ? "" : "[" + e.code() + "] ") + e.getMessage());
      } else {
        w.tagged(t.tag(), e.reply());
      }
    } catch (StoreException e) {
      if (e.kind() == StoreException.Kind.SERVERBUG) {
        log.warn("imap {} for {}: {}", t.verb(), account == null ? "?" : account.user(), e.getMessage(), e);
      } else if (e.kind() == StoreException.Kind.NOSPACE) {
        log.warn("imap {} for {}: disk full: {}", t.verb(), account == null ? "?" : account.user(), e.getCause());
      }
      String code = switch (e.kind()) {
        case NONEXISTENT -> "NONEXISTENT";
        case ALREADYEXISTS -> "ALREADYEXISTS";
        case CANNOT -> "CANNOT";
        case LIMIT -> "LIMIT";
        case OVERQUOTA, NOSPACE -> "OVERQUOTA"; // a full disk as Dovecot says it: NO [OVERQUOTA] Not enough disk space
        case SERVERBUG -> "SERVERBUG";
      };
      w.tagged(t.tag(), "NO [" + code + "] " + (e.kind() == StoreException.Kind.SERVERBUG ? "Internal error" : e.getMessage()));
    } catch (RuntimeException e) {
      // A bug must cost one command, not the connection; the client sees no details.
      log.error("imap {} failed: {}", t.verb(), e.toString(), e);
      w.tagged(t.tag(), "NO [SERVERBUG] Internal error");
    }
  }

  /** Untagged updates are allowed after most commands; EXPUNGE never during FETCH/STORE/SEARCH/COPY. */
  void syncSelected(Tagged t) throws IOException {
    if (state == State.LOGOUT) { // nothing follows BYE but the tagged OK
      return;
    }
    if (selected == null) {
      if (notify != null) {
        notify.reportAtCommandEnd(false);
      }
      return;
    }
    boolean uid = switch (t.command()) {
      case Command.Fetch f -> f.uid();
      case Command.Store s -> s.uid();
      case Command.Search s -> s.uid();
      case Command.Copy c -> c.uid();
      case Command.Sort c -> c.uid();
      case Command.Thread c -> c.uid();
      default -> true;
    };
    boolean seqCommand = switch (t.verb()) {
      case FETCH, STORE, SEARCH, COPY, MOVE, SORT, THREAD -> !uid;
      default -> false;
    };
    // RFC 7162 §3.2.10.2: nor during a UID SEARCH whose criteria contain message numbers.
    if (t.command() instanceof Command.Search s && s.uid() && usesSequenceNumbers(s.key())) {
      seqCommand = true;
    }
    if (t.command() instanceof Command.Sort s && s.uid() && usesSequenceNumbers(s.key())
        || t.command() instanceof Command.Thread th && th.uid() && usesSequenceNumbers(th.key())) {
      seqCommand = true;
    }
    if (notify != null) {
      notify.afterCommand(t.verb(), !seqCommand);
    } else {
      selected.sync(w, !seqCommand, qresync);
      selected.reportKeywords(w);
    }
    long held = condstore ? selected.highestModseqBeforeHeldExpunges() : -1;
    if (held >= 0) {
      w.untagged("OK [HIGHESTMODSEQ " + held + "] Expunges are held back until a command allows them");
    }
  }

  static boolean usesSequenceNumbers(SearchKey k) {
    return switch (k) {
      case SearchKey.Sequence q -> !q.uid() && !q.set().saved();
      case SearchKey.And a -> a.keys().stream().anyMatch(ImapSession::usesSequenceNumbers);
      case SearchKey.Or o -> usesSequenceNumbers(o.a()) || usesSequenceNumbers(o.b());
      case SearchKey.Not n -> usesSequenceNumbers(n.key());
      default -> false;
    };
  }

  void syncQuietly(Tagged t) {
    try {
      syncSelected(t);
    } catch (IOException | RuntimeException e) {
      // the command's own reply matters more
    }
  }

  // ---- helpers for the command groups ----------------------------------------------------------------

  /** RFC 7162 §3.1: turning CONDSTORE on with a mailbox selected reports its HIGHESTMODSEQ. */
  void enableCondstore() throws IOException {
    if (!condstore && selected != null) {
      w.untagged("OK [HIGHESTMODSEQ " + selected.highestModseq() + "] Highest");
    }
    condstore = true;
    if (selected != null) {
      selected.condstore = true;
    }
  }

  /** RFC 9051 Appendix A: IMAP4rev2 from now on; the selected mailbox drops \Recent at once. */
  void enableRev2() {
    rev2 = true;
    if (selected != null) {
      selected.rev2 = true;
    }
  }

  /**
   * The Unicode mailbox name for a wire name: modified UTF-7 for IMAP4rev1 clients (RFC 3501 §5.1.3),
   * UTF-8 as it stands once IMAP4rev2 or UTF8=ACCEPT is enabled (RFC 9051 §5.1, RFC 6855 §3).
   */
  String mailboxName(String wire) throws ImapException {
    if (rev2 || utf8Accept) {
      return MailboxNames.normalize(wire);
    }
    String n = ModifiedUtf7.decode(wire);
    if (n == null) {
      throw ImapException.no("CANNOT", "Invalid mailbox name (not modified UTF-7)");
    }
    return MailboxNames.normalize(n);
  }

  /** The wire form of a mailbox name, quoted (UTF-8 in quotes for IMAP4rev2 and UTF8=ACCEPT, RFC 9051 §9). */
  String wireName(String name) {
    if (rev2 || utf8Accept) {
      return ResponseWriter.quoteUtf8(name);
    }
    return ResponseWriter.quote(ModifiedUtf7.encode(name));
  }
}
