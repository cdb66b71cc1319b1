package dev.postamt.mda;

import dev.postamt.config.Config;
import dev.postamt.queue.RecipientStatus;
import dev.postamt.sieve.MimeSieveMessage;
import dev.postamt.sieve.OutgoingMessage;
import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.sieve.ext.Mailto;
import dev.postamt.sieve.ext.Redirects;
import dev.postamt.sieve.ext.RejectNotice;
import dev.postamt.sieve.ext.VacationReply;
import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.SieveStoreException;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxNames;
import dev.postamt.store.StoreException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local delivery through Sieve: runs the user's script sequence ({@link SieveFilter}) over the message,
 * parsed once, and carries out what it decided: stores the copies (INBOX, folders, with imap4flags
 * flags and editheader edits), queues redirected copies, vacation replies, rejection notices and
 * notifications ({@link Outbox}), and records vacation and duplicate state.
 *
 * <p>Never loses mail: a script that fails keeps the message in INBOX, and the error is logged as
 * {@code sieve: user=U script=S line=N: message} and recorded for the user ({@link
 * SieveScripts#recordError}); a {@code fileinto} to a missing folder without {@code :create} keeps too.
 * A failure of the store or the queue is a temporary failure and the queue retries: every stored copy
 * has its own {@link MailStore.DeliveryId} (derived from the INBOX one and the folder), every queued
 * message a derived spool id, so a retry stores and sends nothing twice.
 */
public final class SieveDelivery implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SieveDelivery.class);

  /**
   * One message for one user.
   *
   * @param message the message as stored: our trace fields (Return-Path, Delivered-To, Received) first
   * @param forwardOffset where a forwarded copy starts (after Return-Path, which only final delivery adds)
   * @param inboxId the delivery id of the INBOX copy; other copies derive theirs from it
   * @param retry an earlier attempt may have stored or queued some of it
   */
  public record Request(String queueId, int index, String user, SieveEnvelope envelope, String bodyType,
      byte[] message, int forwardOffset, MailStore.DeliveryId inboxId, boolean retry) {}

  private final Config config;
  private final MailStore store;
  private final Outbox outbox;
  private final SeenLog vacations;
  private final SeenLog duplicates;
  private volatile SieveScripts scripts;
  private volatile SieveFilter filter;
  private volatile dev.postamt.sieve.store.Vacations vacationReplies;

  /** @param scripts the users' scripts; null until a script store exists (administrator scripts and the default run) */
  public SieveDelivery(Config config, MailStore store, SieveScripts scripts, Outbox outbox) throws IOException {
    this.config = config;
    this.store = store;
    this.outbox = outbox;
    this.vacations = SeenLog.vacation(config);
    this.duplicates = SeenLog.duplicate(config);
    useScripts(scripts);
  }

  /** Takes the users' script store (compiled scripts are cached per store). */
  public void useScripts(SieveScripts s) {
    this.scripts = s;
    ScriptSequence sequence = new ScriptSequence(config.sieve(), s);
    sequence.useVacations(vacationReplies);
    this.filter = new SieveFilter(sequence);
  }

  /** Takes the users' vacation replies: delivery answers as a Sieve {@code vacation} would ({@link VacationScript}). */
  public void useVacations(dev.postamt.sieve.store.Vacations v) {
    this.vacationReplies = v;
    filter.sequence().useVacations(v);
  }

  public SieveFilter filter() {
    return filter;
  }

  /** Filters and delivers; trouble is a status, never an exception. */
  public RecipientStatus deliver(Request r) {
    SieveFilter f = filter;
    List<ScriptSequence.Entry> entries;
    try {
      entries = f.sequence().forUser(r.user());
    } catch (SieveStoreException e) {
      log.warn("{}: sieve: user={}: cannot read the user's scripts: {}", r.queueId(), r.user(), e.getMessage());
      return new RecipientStatus.TempFail(Instant.now(), 0, "4.3.0 cannot read the Sieve scripts of " + r.user());
    }
    MimeSieveMessage message = MimeSieveMessage.parse(r.message());
    try (DeliveryEnvironment env = new DeliveryEnvironment(r.user(), config.hostname(), store, vacations, duplicates,
        ZonedDateTime.now()).recipientDelimiter(config.delivery().recipientDelimiter())
        .postmaster(config.queue().postmaster())
        .virusStatus(config.antivirus().enabled(), message.headerValues("X-Virus-Status"))
        .spamStatus(config.spam().enabled(), message.headerValues("X-Spam-Score"), config.spam().addHeader(),
            config.spam().reject())) {
      SieveFilter.Decision d = f.decide(entries, message, r.envelope(), env);
      List<SieveFilter.ScriptError> errors = new ArrayList<>(d.errors());
      String personal = personalName(entries);
      String summary = carryOut(r, message, d, env, errors, personal);
      dev.postamt.events.Events.at(config.dataDir()).emit(dev.postamt.events.Event.SIEVE_ACTION, dev.postamt.events.TrailKey.queue(r.queueId()).withRecipient(r.user()), "user", r.user(), "script", personal, "actions", actionWords(d), "result", summary);
      report(r, errors);
      env.commitDuplicates();
      return new RecipientStatus.Delivered(Instant.now(), "2.0.0 " + summary);
    } catch (IOException | StoreException e) {
      log.warn("{}: sieve: user={}: delivery failed: {}", r.queueId(), r.user(), e.toString());
      return new RecipientStatus.TempFail(Instant.now(), 0, "4.2.0 local delivery failed: " + e.getMessage());
    } catch (RuntimeException e) {
      // A bug of ours, not the script's: the message still goes into INBOX, as it came.
      log.error("{}: sieve: user={}: internal error, keeping the message in INBOX", r.queueId(), r.user(), e);
      try {
        if (!store.delivered(r.user(), r.inboxId(), r.message().length)) {
          store.deliver(r.user(), r.inboxId(), new ByteArrayInputStream(r.message()), r.message().length);
        }
        return new RecipientStatus.Delivered(Instant.now(), "2.0.0 delivered to INBOX of " + r.user()
            + " (Sieve failed: " + e + ")");
      } catch (IOException | RuntimeException again) {
        return new RecipientStatus.TempFail(Instant.now(), 0, "4.2.0 local delivery failed: " + again.getMessage());
      }
    }
  }

  /**
   * What the scripts would do with {@code message} for {@code user} ({@code postamt sieve test}): runs
   * them as delivery does, reading the mailboxes and the vacation and duplicate records, but stores,
   * sends and records nothing.
   */
  public SieveFilter.Decision dryRun(String user, byte[] message, SieveEnvelope envelope) throws SieveStoreException {
    SieveFilter f = filter;
    List<ScriptSequence.Entry> entries = f.sequence().forUser(user);
    try (DeliveryEnvironment env = new DeliveryEnvironment(user, config.hostname(), store, vacations, duplicates,
        ZonedDateTime.now()).recipientDelimiter(config.delivery().recipientDelimiter())
        .postmaster(config.queue().postmaster())) {
      MimeSieveMessage parsed = MimeSieveMessage.parse(message);
      env.virusStatus(config.antivirus().enabled(), parsed.headerValues("X-Virus-Status"))
          .spamStatus(config.spam().enabled(), parsed.headerValues("X-Spam-Score"), config.spam().addHeader(),
              config.spam().reject());
      return f.decide(entries, parsed, envelope, env);
    }
  }

  /** The name of the user's own script among {@code entries}, else {@link ScriptSequence#DEFAULT_NAME} (a loop: per message). */
  static String personalName(List<ScriptSequence.Entry> entries) {
    for (ScriptSequence.Entry e : entries) {
      if (e.personal()) {
        return e.name();
      }
    }
    return ScriptSequence.DEFAULT_NAME;
  }

  /** The actions of a decision in a few words for the trail: {@code fileinto "Junk", addheader, keep (implicit)}. */
  static String actionWords(SieveFilter.Decision d) {
    List<String> words = new ArrayList<>();
    for (dev.postamt.sieve.SieveAction a : d.actions()) {
      words.add(switch (a) {
        case dev.postamt.sieve.SieveAction.FileInto f -> "fileinto \"" + f.mailbox() + "\"";
        case dev.postamt.sieve.SieveAction.Redirect re -> "redirect <" + re.address() + ">";
        case dev.postamt.sieve.SieveAction.Keep k -> d.implicitKeep() ? "keep (implicit)" : "keep";
        case dev.postamt.sieve.SieveAction.Discard x -> "discard";
        default -> a.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
      });
    }
    return String.join(", ", words);
  }

  private void report(Request r, List<SieveFilter.ScriptError> errors) {
    for (SieveFilter.ScriptError e : errors) {
      log.warn("{}: sieve: user={} script={} line={}: {}", r.queueId(), r.user(), e.script(), e.line(), e.message());
      dev.postamt.events.Events.at(config.dataDir()).emit(dev.postamt.events.Event.SIEVE_ERROR, dev.postamt.events.TrailKey.queue(r.queueId()).withRecipient(r.user()), "user", r.user(), "script", e.script(), "error", (e.line() > 0 ? "line " + e.line() + ": " : "") + e.message());
    }
    if (!errors.isEmpty() && scripts != null) {
      SieveFilter.ScriptError e = errors.stream().filter(SieveFilter.ScriptError::personal).findFirst()
          .orElse(errors.getFirst());
      try {
        scripts.recordError(r.user(), new SieveScripts.LastError(Instant.now(), e.script(),
            (e.line() > 0 ? "line " + e.line() + ": " : "") + e.message()));
      } catch (SieveStoreException ex) {
        log.warn("{}: sieve: user={}: cannot record the error: {}", r.queueId(), r.user(), ex.getMessage());
      }
    }
  }

  /** Stores, then queues; returns what happened in a few words. */
  private String carryOut(Request r, MimeSieveMessage message, SieveFilter.Decision d, DeliveryEnvironment env,
      List<SieveFilter.ScriptError> errors, String script) throws IOException {
    byte[] content = d.headers() == null ? r.message() : HeaderEdit.apply(message, d.headers());
    int forwardOffset = d.headers() == null ? r.forwardOffset() : returnPathLength(content);
    Map<String, Set<String>> targets = new LinkedHashMap<>();
    List<SieveAction> outgoing = new ArrayList<>();
    List<OutgoingMessage> redirected = new ArrayList<>();
    boolean keepNeeded = false;
    for (SieveAction a : d.actions()) {
      switch (a) {
        case SieveAction.Keep k -> add(targets, MailboxNames.INBOX, k.flags());
        case SieveAction.FileInto fi -> add(targets, resolve(fi, env, errors, script), fi.flags());
        case SieveAction.Redirect rd -> {
          String problem = loop(r, message, rd.address());
          Optional<OutgoingMessage> copy = problem != null ? Optional.empty() : Redirects.compose(rd,
              Arrays.copyOfRange(content, forwardOffset, content.length), message, r.envelope(), env);
          if (problem == null && copy.isEmpty()) {
            problem = "redirect to " + rd.address() + " would loop (the message was redirected by "
                + r.user() + " before); kept in INBOX";
          }
          if (problem != null) {
            errors.add(new SieveFilter.ScriptError(script, 0, problem, true));
            keepNeeded = true;
          } else {
            redirected.add(copy.get());
          }
        }
        case SieveAction.Reject rj when !targets.isEmpty() -> keepNeeded = true;
        case SieveAction.Ereject rj when !targets.isEmpty() -> keepNeeded = true;
        default -> outgoing.add(a);
      }
    }
    if (keepNeeded && targets.isEmpty()) {
      add(targets, MailboxNames.INBOX, List.of());
    }
    for (Map.Entry<String, Set<String>> t : targets.entrySet()) {
      storeCopy(r, content, t.getKey(), t.getValue());
    }
    List<String> done = new ArrayList<>();
    if (!targets.isEmpty()) {
      done.add("delivered to " + String.join(", ", targets.keySet()) + " of " + r.user());
    }
    int redirects = 0;
    for (OutgoingMessage copy : redirected) {
      String to = copy.envelopeTo().getFirst();
      outbox.forward(Outbox.childId(r.queueId(), r.user(), r.index(), 'R', redirects++), copy.envelopeFrom(), to,
          r.bodyType(), copy.content());
      done.add("redirected to " + to);
    }
    for (SieveAction a : outgoing) {
      switch (a) {
        case SieveAction.Vacation v when v.due() -> {
          outbox.send(Outbox.childId(r.queueId(), r.user(), r.index(), 'V', 0),
              VacationReply.compose(v, message, r.envelope(), env));
          vacations.record(r.user(), DeliveryEnvironment.vacationKey(v.recipient(), v.handle()), env.now().toInstant());
          done.add("vacation reply to " + v.recipient());
        }
        case SieveAction.Reject rj -> done.add(reject(r, rj.reason(), message, env));
        case SieveAction.Ereject rj -> done.add(reject(r, rj.reason(), message, env));
        case SieveAction.Discard x -> done.add("discarded by Sieve");
        default -> {} // header edits are in the stored copies; a vacation not due sends nothing
      }
    }
    notify(r, d.actions(), message, env, done);
    return done.isEmpty() ? "discarded by Sieve" : String.join("; ", done);
  }

  private static void add(Map<String, Set<String>> targets, String mailbox, List<String> flags) {
    targets.computeIfAbsent(mailbox, k -> new LinkedHashSet<>()).addAll(flags);
  }

  /**
   * The mailbox a fileinto stores into: the one with the special-use attribute when asked (RFC 8579),
   * else the named one, created with {@code :create} (RFC 5490 §3); INBOX, with an error, when it is
   * missing or cannot be created.
   */
  private String resolve(SieveAction.FileInto f, DeliveryEnvironment env, List<SieveFilter.ScriptError> errors,
      String script) {
    if (f.specialUse() != null) {
      var found = env.specialUseMailbox(f.specialUse());
      if (found.isPresent()) {
        return found.get();
      }
    }
    String name = MailboxNames.normalize(f.mailbox());
    if (name.equals(MailboxNames.INBOX) || env.mailboxExists(name)) {
      return name;
    }
    if (!f.create()) {
      errors.add(new SieveFilter.ScriptError(script, 0, "fileinto: mailbox '" + f.mailbox()
          + "' does not exist; kept in INBOX", true));
      return MailboxNames.INBOX;
    }
    try {
      env.account().create(name, f.specialUse());
      return name;
    } catch (StoreException e) {
      if (e.kind() == StoreException.Kind.ALREADYEXISTS) {
        return name;
      }
      if (e.kind() == StoreException.Kind.CANNOT || e.kind() == StoreException.Kind.LIMIT) {
        errors.add(new SieveFilter.ScriptError(script, 0, "fileinto: cannot create mailbox '" + f.mailbox() + "': "
            + e.getMessage() + "; kept in INBOX", true));
        return MailboxNames.INBOX;
      }
      throw e;
    }
  }

  /** One copy, idempotently: a retry that finds it stored does not store it again. */
  private void storeCopy(Request r, byte[] content, String mailbox, Set<String> flags) throws IOException {
    boolean inbox = mailbox.equals(MailboxNames.INBOX);
    MailStore.DeliveryId id = inbox ? r.inboxId() : new MailStore.DeliveryId(r.inboxId().arrivalEpochSeconds(),
        r.inboxId().unique() + "F" + Integer.toHexString(mailbox.hashCode() & 0x7fffffff), r.inboxId().host());
    long size = content.length;
    if (inbox && flags.isEmpty()) {
      if (!(r.retry() && store.delivered(r.user(), id, size))) {
        store.deliver(r.user(), id, new ByteArrayInputStream(content), size);
      }
    } else if (!(r.retry() && store.delivered(r.user(), mailbox, id, size))) {
      store.deliver(r.user(), mailbox, id, new ByteArrayInputStream(content), size, flags);
    }
  }

  /** Why redirecting would loop (RFC 5228 §4.2 asks implementations to prevent loops), or null. */
  private static String loop(Request r, MimeSieveMessage message, String to) {
    String target = bare(to);
    if (target.equalsIgnoreCase(r.user())) {
      return "redirect to the user's own address " + to + " would loop; kept in INBOX";
    }
    for (String v : message.headerValues("Delivered-To")) {
      if (bare(v).equalsIgnoreCase(target)) {
        return "redirect to " + to + " would loop (the message was delivered to it before); kept in INBOX";
      }
    }
    return null;
  }

  private static String bare(String a) {
    String s = a.strip();
    int lt = s.indexOf('<');
    int gt = s.lastIndexOf('>');
    return lt >= 0 && gt > lt ? s.substring(lt + 1, gt) : s;
  }

  /** RFC 5429 §2.2.2: the notice the language composes, to the envelope sender; never to the null sender. */
  private String reject(Request r, String reason, MimeSieveMessage message, DeliveryEnvironment env) throws IOException {
    Optional<OutgoingMessage> notice = RejectNotice.compose(reason, r.message(), message, r.envelope(), env);
    if (notice.isEmpty()) {
      return "rejected by Sieve (no notice: null sender)";
    }
    outbox.send(Outbox.childId(r.queueId(), r.user(), r.index(), 'J', 0), notice.get());
    return "rejected by Sieve, notice sent to " + String.join(", ", notice.get().envelopeTo());
  }

  /**
   * RFC 5436: the mailto notifications of all {@code notify} actions, as the language composes them
   * (none about mail that is itself automatic, §2.7; each recipient once).
   */
  private void notify(Request r, List<SieveAction> actions, MimeSieveMessage message, DeliveryEnvironment env,
      List<String> done) throws IOException {
    if (!SieveFilter.any(actions, SieveAction.Notify.class)) {
      return;
    }
    List<OutgoingMessage> notes = Mailto.notifications(actions, message, r.envelope(), env);
    if (notes.isEmpty() && !message.headerValues("Auto-Submitted").stream()
        .allMatch(v -> v.strip().equalsIgnoreCase("no"))) {
      done.add("no notification about auto-submitted mail");
    }
    int k = 0;
    for (OutgoingMessage n : notes) {
      outbox.send(Outbox.childId(r.queueId(), r.user(), r.index(), 'T', k++), n);
      done.add("notification to " + String.join(", ", n.envelopeTo()));
    }
  }

  /** Length of a leading Return-Path field (with its CRLF), 0 when there is none. */
  public static int returnPathLength(byte[] m) {
    String start = new String(m, 0, Math.min(m.length, 1024), StandardCharsets.ISO_8859_1);
    if (!start.regionMatches(true, 0, "Return-Path:", 0, 12)) {
      return 0;
    }
    int eol = start.indexOf("\r\n");
    return eol < 0 ? 0 : eol + 2;
  }

  @Override
  public void close() {
    vacations.close();
    duplicates.close();
  }
}
