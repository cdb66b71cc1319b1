package dev.postamt.imap;

import dev.postamt.imap.NotifySpec.Event;
import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A session's NOTIFY (RFC 5465) at work: it remembers what it last told the client of each of the
 * user's mailboxes and, whenever the account changes, reports the difference as the RFC's responses —
 * {@code STATUS} for new, expunged and re-flagged messages of other mailboxes (§5.2–5.4), {@code LIST}
 * for created, deleted and renamed mailboxes (with {@code OLDNAME}, §5.4) and for subscription changes
 * (§5.5), unsolicited {@code METADATA} (RFC 5464 §4.4.2) for annotation changes (§5.6, §5.7), and for
 * the selected mailbox the usual {@code EXISTS}/{@code EXPUNGE}/{@code FETCH}, with the fetch attributes
 * of {@code MessageNew (…)} for each new message.
 *
 * <p>Notifications are sent as soon as they happen (§3): while the session waits for the client's next
 * command or sits in IDLE, a short-lived virtual thread writes them; while a command runs, they wait
 * for its end and go out before its tagged reply. One lock ({@link #wire}) keeps these writes apart
 * from the session's own. What wakes the watch: the account's change callback (everything this process
 * does, the session's own changes included) and, every {@link IdleWatch#PERIOD}, one look per account
 * at its mailboxes for mail dropped into {@code new/} and index changes made by other processes.
 */
final class NotifyWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotifyWatch.class);

  static final String CAPABILITY = "NOTIFY";

  private static final Set<NotifyWatch> active = ConcurrentHashMap.newKeySet();
  private static final AtomicBoolean pollerStarted = new AtomicBoolean();

  private record Known(String name, long uidValidity, long uidNext, long modseq, long messages, long unseen) {}

  private final ImapSession s;
  final NotifySpec spec;
  private final List<List<String>> names;
  private final NotifySpec.Group selectedGroup;
  private final boolean tracksSubscriptions;
  private final boolean tracksMetadata;
  private final boolean tracksServerMetadata;
  /** The user's mailboxes and the other users' shared with the user. */
  private final NotifyMailboxes boxes;

  /** Held by whoever writes to the client while NOTIFY is on. */
  private final ReentrantLock wire = new ReentrantLock();
  private boolean waitingForClient;
  private boolean pending;

  private final Object drainState = new Object();
  private boolean draining;
  private boolean wakeAgain;
  private boolean stopped;
  private Runnable unwatch = () -> {};

  /** What the client was last told, by {@link NotifyMailboxes.Box#key()}. */
  private final Map<String, Known> known = new HashMap<>();
  private Set<String> subscribed = Set.of();
  /** Digests of the annotations told, by box key ({@link #SERVER} for the server's). */
  private final Map<String, Map<String, Integer>> metadata = new HashMap<>();
  private static final String SERVER = "server";

  private NotifyWatch(ImapSession s, NotifySpec spec, List<List<String>> names) {
    this.s = s;
    this.spec = spec;
    this.names = names;
    this.selectedGroup = spec.selectedGroup();
    this.tracksSubscriptions = spec.anyWants(Event.SUBSCRIPTION_CHANGE)
        || spec.groups().stream().anyMatch(g -> g.filter() == NotifySpec.Filter.SUBSCRIBED);
    this.tracksMetadata = spec.anyWants(Event.MAILBOX_METADATA_CHANGE);
    this.tracksServerMetadata = spec.anyWants(Event.SERVER_METADATA_CHANGE);
    this.boxes = new NotifyMailboxes(s, NotifyMailboxes.namesForeign(spec), this::wake);
  }

  /**
   * Runs {@code NOTIFY SET} or {@code NOTIFY NONE}: checks the request, takes the present state as the
   * base line and, with the STATUS indicator (§3.1), reports each mailbox with message events.
   */
  static NotifyWatch start(ImapSession s, NotifySpec spec) throws ImapException, IOException {
    spec.check();
    List<List<String>> names = new ArrayList<>();
    for (NotifySpec.Group g : spec.groups()) {
      List<String> decoded = new ArrayList<>();
      for (String wire : g.mailboxes()) {
        decoded.add(s.mailboxName(wire)); // names of mailboxes that do not exist yet are kept (§6)
      }
      names.add(decoded);
    }
    NotifyWatch n = new NotifyWatch(s, spec, names);
    n.baseline(spec.status());
    n.unwatch = s.account.watch(n::wake);
    active.add(n);
    if (pollerStarted.compareAndSet(false, true)) {
      Thread.ofVirtual().name("imap-notify-poll").start(NotifyWatch::pollLoop);
    }
    return n;
  }

  /** NOTIFY SET or NONE: the new watch replaces the session's old one. */
  static String set(ImapSession s, NotifySpec spec) throws ImapException, IOException {
    NotifyWatch next = start(s, spec);
    if (s.notify != null) {
      s.notify.close();
    }
    s.notify = next;
    return "NOTIFY completed";
  }

  /** IDLE under NOTIFY (RFC 5465 §3): what NOTIFY asked for goes out as it happens; returns the client's line. */
  byte[] idle() throws IOException {
    s.w.flush();
    // The selected mailbox may be another user's: its account is the one to look at (the own one is watched anyway).
    Account watched = s.selected != null ? s.selected.account : s.account;
    try (IdleWatch.Registration watch = IdleWatch.register(watched, s.selected, this::wake)) {
      awaitingClient();
      return s.reader.readLine();
    } finally {
      clientSpoke();
    }
  }

  /**
   * After a command with a mailbox selected. RFC 5465 §3.1: news of the selected mailbox that nobody
   * asked for is not told, but the commands that expunge still report their own EXPUNGEs.
   */
  void afterCommand(Verb verb, boolean allowExpunge) throws IOException {
    boolean expunging = switch (verb) {
      case EXPUNGE, MOVE, REPLACE, CLOSE -> true;
      default -> false;
    };
    reportAtCommandEnd(coversSelected() && allowExpunge);
    if (!coversSelected() && expunging && s.selected != null) {
      s.selected.sync(s.w, allowExpunge, s.qresync);
    }
  }

  /** Whether the selected mailbox has message events: else nothing about it is told unasked (§3.1). */
  boolean coversSelected() {
    return selectedGroup != null && !selectedGroup.events().isEmpty();
  }

  // ---- the session's side -----------------------------------------------------------------------------

  /** {@link #awaitingClient()} when NOTIFY is on ({@code n} not null). */
  static void awaitingClient(NotifyWatch n) throws IOException {
    if (n != null) {
      n.awaitingClient();
    }
  }

  /** {@link #clientSpoke()} when NOTIFY is on. */
  static void clientSpoke(NotifyWatch n) {
    if (n != null) {
      n.clientSpoke();
    }
  }

  /** Writes from the session thread while it waits for the client (a literal's continuation). */
  static void exclusive(NotifyWatch n, dev.postamt.net.Connection.Write write) throws IOException {
    if (n == null) {
      write.run();
      return;
    }
    n.wire.lock();
    try {
      write.run();
    } finally {
      n.wire.unlock();
    }
  }

  /** The session now waits for the client (between commands, in IDLE): report what is pending. */
  void awaitingClient() throws IOException {
    wire.lock();
    try {
      waitingForClient = true;
      if (pending) {
        pending = false;
        reportAll();
      }
    } finally {
      wire.unlock();
    }
  }

  /** The client sent something: the session writes again, notifications wait for it. */
  void clientSpoke() {
    wire.lock();
    try {
      waitingForClient = false;
    } finally {
      wire.unlock();
    }
  }

  /**
   * At the end of a command, before its tagged reply: the selected mailbox (when covered; {@code
   * allowExpunge} as the command allows) and the other mailboxes.
   */
  void reportAtCommandEnd(boolean allowExpunge) throws IOException {
    wire.lock();
    try {
      pending = false;
      if (coversSelected() && s.selected != null) {
        reportSelected(allowExpunge);
      }
      reportOthers();
    } finally {
      wire.unlock();
    }
  }

  // ---- waking -----------------------------------------------------------------------------------------

  /** Called by the store on every change of the account: runs {@link #drain} on a thread of its own. */
  void wake() {
    synchronized (drainState) {
      if (stopped) {
        return;
      }
      wakeAgain = true;
      if (draining) {
        return;
      }
      draining = true;
    }
    Thread.ofVirtual().name("imap-notify").start(this::drain);
  }

  private void drain() {
    while (true) {
      synchronized (drainState) {
        if (stopped || !wakeAgain) {
          draining = false;
          drainState.notifyAll();
          return;
        }
        wakeAgain = false;
      }
      wire.lock();
      try {
        if (!waitingForClient) {
          pending = true; // the command's end reports it
          continue;
        }
        s.transport.writeAside(this::reportAll);
      } catch (IOException | RuntimeException e) {
        log.debug("notify: {}", e.toString());
        synchronized (drainState) {
          stopped = true; // the connection is broken; the session's read will tell
        }
      } finally {
        wire.unlock();
      }
    }
  }

  /** Between commands: the selected mailbox as its filter says (§5.1: expunges of selected-delayed wait). */
  private void reportAll() throws IOException {
    if (coversSelected() && s.selected != null) {
      reportSelected(selectedGroup.filter() == NotifySpec.Filter.SELECTED);
    }
    reportOthers();
    s.w.flush();
  }

  // ---- what is told -----------------------------------------------------------------------------------

  private void reportSelected(boolean allowExpunge) throws IOException {
    SelectedMailbox sel = s.selected;
    sel.tellFlags = selectedGroup.events().contains(Event.FLAG_CHANGE);
    long before = sel.uidNext();
    try {
      sel.sync(s.w, allowExpunge, s.qresync);
      sel.reportKeywords(s.w);
      if (selectedGroup.fetch().isEmpty()) {
        return;
      }
      // RFC 5465 §5.1: MessageNew (fetch-att …) sends a FETCH of each new message; nothing sets \Seen here.
      int first = sel.size();
      while (first > 0 && sel.uid(first) >= before) {
        first--;
      }
      for (int msn = first + 1; msn <= sel.size(); msn++) {
        try {
          new FetchResponder(sel, sel.record(msn)).write(s.w, msn, selectedGroup.fetch(), false);
        } catch (ImapException e) {
          log.debug("notify fetch: {}", e.getMessage());
        }
      }
    } finally {
      sel.tellFlags = true;
    }
  }

  private void baseline(boolean tellStatus) throws IOException {
    subscribed = tracksSubscriptions ? new HashSet<>(s.account.subscriptions()) : Set.of();
    for (NotifyMailboxes.Box b : boxes.now()) {
      boolean wanted = counted(b);
      Known k = known(b, wanted);
      known.put(b.key(), k);
      if (tellStatus && wanted) {
        status(k);
      }
      if (tracksMetadata && b.own()) {
        metadata.put(b.key(), digest(b.info().id()));
      }
    }
    if (tracksServerMetadata) {
      metadata.put(SERVER, digest(Account.SERVER_METADATA));
    }
  }

  /** Whether message events of {@code b} are told as STATUS: asked for, not selected, and readable (RFC 4314 r). */
  private boolean counted(NotifyMailboxes.Box b) {
    return b.readable() && !boxes.isSelected(b) && wants(Event.MESSAGE_NEW, b.name(), false);
  }

  private Known known(NotifyMailboxes.Box b, boolean counts) {
    MailboxInfo m = b.info();
    if (!counts) {
      return new Known(b.name(), m.uidValidity(), m.uidNext(), m.highestModseq(), -1, -1);
    }
    Account.Status st = b.account().status(b.local());
    return new Known(b.name(), m.uidValidity(), m.uidNext(), m.highestModseq(), st.messages(), st.unseen());
  }

  private boolean wants(Event e, String name, boolean isSelected) {
    return spec.wants(e, name, isSelected, names, subscribed.contains(name));
  }

  private void status(Known k) throws IOException {
    s.w.untagged("STATUS " + s.wireName(k.name()) + " (MESSAGES " + k.messages() + " UIDNEXT " + k.uidNext()
        + " UIDVALIDITY " + k.uidValidity() + " UNSEEN " + k.unseen()
        + (s.condstore ? " HIGHESTMODSEQ " + k.modseq() : "") + ")");
  }

  private void list(String attrs, String name, String extra) throws IOException {
    s.w.untagged("LIST (" + attrs + ") \"/\" " + s.wireName(name) + extra);
  }

  /**
   * The difference between what the client was told and the mailboxes now, as responses; other users'
   * mailboxes (RFC 4314 §4: only those the user may see) as its own.
   */
  private void reportOthers() throws IOException {
    Account a = s.account;
    List<NotifyMailboxes.Box> now = boxes.now();
    Set<String> subsNow = tracksSubscriptions ? new HashSet<>(a.subscriptions()) : Set.of();
    Set<String> subsBefore = subscribed;
    Set<String> present = new HashSet<>();
    for (NotifyMailboxes.Box b : now) {
      present.add(b.key());
    }
    for (var e : new ArrayList<>(known.entrySet())) {
      if (!present.contains(e.getKey())) { // §5.4: a deleted mailbox is LISTed \NonExistent
        String name = e.getValue().name();
        if (wants(Event.MAILBOX_NAME, name, false)) {
          list("\\NonExistent", name, "");
        }
        known.remove(e.getKey());
        metadata.remove(e.getKey());
      }
    }
    subscribed = subsNow;
    for (NotifyMailboxes.Box b : now) {
      MailboxInfo m = b.info();
      Known k = known.get(b.key());
      boolean counted = counted(b);
      if (k == null) {
        if (wants(Event.MAILBOX_NAME, b.name(), false)) {
          list("", b.name(), "");
        }
        known.put(b.key(), known(b, counted));
        continue;
      }
      if (!k.name().equals(b.name()) && wants(Event.MAILBOX_NAME, b.name(), false)) {
        list("", b.name(), " (\"OLDNAME\" (" + s.wireName(k.name()) + "))"); // RFC 5465 §5.4, RFC 5258 §3.2
      }
      boolean changed = k.uidNext() != m.uidNext() || k.modseq() != m.highestModseq()
          || k.uidValidity() != m.uidValidity();
      if (!changed) {
        known.put(b.key(), new Known(b.name(), k.uidValidity(), k.uidNext(), k.modseq(), k.messages(), k.unseen()));
        continue;
      }
      Known fresh = known(b, counted);
      known.put(b.key(), fresh);
      if (counted) {
        boolean counts = fresh.messages() != k.messages() || fresh.uidNext() != k.uidNext()
            || fresh.uidValidity() != k.uidValidity();
        if (counts || wants(Event.FLAG_CHANGE, b.name(), false)) {
          status(fresh);
        }
      }
    }
    if (tracksSubscriptions) {
      for (String name : new TreeSet<>(subsNow)) {
        if (!subsBefore.contains(name) && wants(Event.SUBSCRIPTION_CHANGE, name, false)) {
          list("\\Subscribed", name, ""); // RFC 5465 §5.5
        }
      }
      for (String name : new TreeSet<>(subsBefore)) {
        if (!subsNow.contains(name) && wants(Event.SUBSCRIPTION_CHANGE, name, false)) {
          list("", name, "");
        }
      }
    }
    if (tracksMetadata) {
      for (NotifyMailboxes.Box b : now) {
        if (b.own() && wants(Event.MAILBOX_METADATA_CHANGE, b.name(), false)) {
          reportMetadata(b.key(), b.info().id(), s.wireName(b.name()));
        }
      }
    }
    if (tracksServerMetadata) {
      reportMetadata(SERVER, Account.SERVER_METADATA, "\"\"");
    }
  }

  /** RFC 5464 §4.4.2: {@code * METADATA mailbox entry…}, the names of the entries that changed. */
  private void reportMetadata(String key, long id, String wireName) throws IOException {
    Map<String, Integer> now = digest(id);
    Map<String, Integer> before = metadata.getOrDefault(key, Map.of());
    metadata.put(key, now);
    Set<String> changed = new TreeSet<>();
    for (var e : now.entrySet()) {
      if (!e.getValue().equals(before.get(e.getKey()))) {
        changed.add(e.getKey());
      }
    }
    for (String k : before.keySet()) {
      if (!now.containsKey(k)) {
        changed.add(k);
      }
    }
    if (!changed.isEmpty()) {
      s.w.untagged("METADATA " + wireName + " " + String.join(" ", changed));
    }
  }

  private Map<String, Integer> digest(long id) {
    Map<String, Integer> d = new HashMap<>();
    for (var e : s.account.metadata(id).entrySet()) {
      if (!e.getKey().startsWith("/")) {
        continue; // not an RFC 5464 entry (UrlAuthority's key)
      }
      d.put(e.getKey(), Arrays.hashCode(e.getValue()));
    }
    return d;
  }

  // ---- other writers: deliveries into new/, other processes ---------------------------------------------

  private static final Map<Account, Long> fingerprints = new ConcurrentHashMap<>();

  private static void pollLoop() {
    while (true) {
      try {
        Thread.sleep(IdleWatch.PERIOD);
      } catch (InterruptedException e) {
        return;
      }
      Map<Account, List<NotifyWatch>> byAccount = new HashMap<>();
      for (NotifyWatch n : active) {
        byAccount.computeIfAbsent(n.s.account, k -> new ArrayList<>()).add(n);
        for (Account other : n.boxes.foreignAccounts()) { // other users' mailboxes shared with the user
          byAccount.computeIfAbsent(other, k -> new ArrayList<>()).add(n);
        }
      }
      fingerprints.keySet().retainAll(byAccount.keySet());
      for (var e : byAccount.entrySet()) {
        try {
          Account a = e.getKey();
          long print = 17;
          for (MailboxInfo m : a.mailboxes()) {
            a.poll(m.id()); // takes in files in new/ (and wakes the account's watchers)
          }
          for (MailboxInfo m : a.mailboxes()) {
            print = print * 31 + m.id() * 7 + m.uidNext() * 13 + m.highestModseq() + m.name().hashCode();
          }
          Long last = fingerprints.put(a, print);
          if (last != null && last != print) {
            e.getValue().forEach(NotifyWatch::wake); // changed behind the account's back
          }
        } catch (RuntimeException ex) {
          log.debug("notify poll: {}", ex.toString());
        }
      }
    }
  }

  /** Stops watching and waits for a notifier that is writing. */
  @Override
  public void close() {
    active.remove(this);
    unwatch.run();
    boxes.close();
    synchronized (drainState) {
      stopped = true;
      boolean interrupted = false;
      while (draining) {
        try {
          drainState.wait();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
