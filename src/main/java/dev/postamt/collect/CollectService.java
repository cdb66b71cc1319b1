package dev.postamt.collect;

import dev.postamt.config.Config;
import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operations on collected accounts, written once for {@code postamt collect add|list|remove|run},
 * the self-service page and the poller of {@code serve}. Bad input and unknown accounts are a {@link
 * CollectException} with a one-line message; a database fault an {@link UncheckedIOException}.
 */
public final class CollectService implements AutoCloseable {
  private final Config config;
  private final CollectAccounts accounts;
  private final SecretBox secrets;
  private final Clock clock;
  private final LocalDrop drop;

  /**
   * One account as {@code collect list} and the self-service page show it (never the password).
   *
   * @param nextAttempt when the poller of {@code serve} tries it next
   */
  public record View(long id, String url, String login, boolean keep, boolean insecure, boolean plaintext,
      Instant created, Optional<Instant> lastRun, Optional<String> lastError, int failures, Instant nextAttempt,
      long collected) {}

  CollectService(Config config, CollectAccounts accounts, SecretBox secrets, LocalDrop drop, Clock clock) {
    this.config = config;
    this.accounts = accounts;
    this.secrets = secrets;
    this.drop = drop;
    this.clock = clock;
  }

  /**
   * Opens the state in {@code config}'s data directory.
   *
   * @param drop where runs deliver; null when this service only adds, lists and removes
   */
  public static CollectService open(Config config, LocalDrop drop) throws IOException {
    SecretBox secrets = SecretBox.open(config.dataDir());
    return new CollectService(config, CollectAccounts.open(config), secrets, drop, Clock.systemUTC());
  }

  /** {@code collect add}: returns the new account's id. The first run is due at once. */
  public long add(String address, String url, String login, String password, boolean keep, boolean insecure,
      boolean plaintext) {
    String owner = user(address);
    RemoteUrl u = RemoteUrl.parse(url);
    if (login == null || login.isBlank() || login.chars().anyMatch(c -> c < ' ' || c == 127)) {
      throw new CollectException("--user must be a login name without control characters");
    }
    if (password == null || password.isEmpty() || password.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
      throw new CollectException("--password must not be empty nor contain line breaks");
    }
    if (accounts.list(owner).size() >= config.collect().maxAccounts()) {
      throw new CollectException(owner + " already has " + config.collect().maxAccounts()
          + " remote accounts (collect.max_accounts)");
    }
    return accounts.add(owner, u, login.strip(), secrets.seal(owner, password), keep, insecure, plaintext, clock.instant());
  }

  /** {@code collect list ADDRESS}. */
  public List<View> list(String address) {
    String owner = user(address);
    return accounts.list(owner).stream().map(CollectService::view).toList();
  }

  private static View view(CollectAccounts.Account a) {
    return new View(a.id(), a.url().toString(), a.login(), a.keep(), a.insecure(), a.plaintext(), a.created(),
        a.lastRun(), a.lastError(), a.failures(), a.nextAttempt(), a.collected());
  }

  /** {@code collect remove ADDRESS ID}: what was collected stays in the mailbox. */
  public void remove(String address, long id) {
    String owner = user(address);
    if (!accounts.remove(owner, id)) {
      throw new CollectException(owner + " has no remote account " + id);
    }
  }

  /** {@code collect run [ADDRESS]}: every account of the user (or of everyone) now, back-off or not. */
  public List<Collector.Result> run(Optional<String> address) {
    List<CollectAccounts.Account> which = address.isPresent() ? accounts.list(user(address.get())) : accounts.all();
    return runAll(which);
  }

  /** Runs one account of the user now (the self-service page's "Collect now"). */
  public Collector.Result runOne(String address, long id) {
    String owner = user(address);
    CollectAccounts.Account a = accounts.get(id).filter(x -> x.owner().equals(owner))
        .orElseThrow(() -> new CollectException(owner + " has no remote account " + id));
    return runAll(List.of(a)).getFirst();
  }

  /**
   * Makes one account of the user due now; the poller of {@code serve} (woken by the caller through
   * {@link CollectPoller#wake}) runs it in the background.
   */
  public void dueNow(String address, long id) {
    String owner = user(address);
    CollectAccounts.Account a = accounts.get(id).filter(x -> x.owner().equals(owner))
        .orElseThrow(() -> new CollectException(owner + " has no remote account " + id));
    accounts.schedule(a.id(), clock.instant());
  }

  /** The accounts whose next attempt has come, for the poller. */
  public List<Collector.Result> runDue() {
    Instant now = clock.instant();
    return runAll(accounts.all().stream().filter(a -> !a.nextAttempt().isAfter(now)).toList(), now);
  }

  /** When the poller should look again: the earliest next attempt, empty when there is no account. */
  public Optional<Instant> nextDue() {
    return accounts.all().stream().map(CollectAccounts.Account::nextAttempt).min(Instant::compareTo);
  }

  /** Watches the remote INBOX of the IMAP accounts (see {@link IdleWatch}); {@code wake} wakes the poller. */
  IdleWatch idleWatch(Runnable wake) {
    return new IdleWatch(accounts, secrets, config.collect().timeout(), clock, wake);
  }

  /** Every account (the poller hands them to {@link IdleWatch#sync}). */
  List<CollectAccounts.Account> accounts() {
    return accounts.all();
  }

  private List<Collector.Result> runAll(List<CollectAccounts.Account> which) {
    return runAll(which, null);
  }

  /** Runs {@code which} one after another; with {@code dueBy}, each only if still due then ({@link Collector#run}). */
  private List<Collector.Result> runAll(List<CollectAccounts.Account> which, Instant dueBy) {
    if (drop == null) {
      throw new IllegalStateException("opened without local delivery");
    }
    Collector c = new Collector(config, accounts, secrets, drop, clock);
    List<Collector.Result> out = new ArrayList<>();
    for (CollectAccounts.Account a : which) {
      out.add(c.run(a, dueBy));
    }
    return out;
  }

  /** The canonical address of an existing user. */
  private String user(String address) {
    String a;
    try {
      a = dev.postamt.directory.Address.parse(address == null ? "" : address.strip()).toString();
    } catch (DirectoryException e) {
      throw new CollectException("not an address: " + address);
    }
    try (Directory d = Directory.open(config)) {
      if (a.isEmpty() || !d.userExists(a)) {
        throw new CollectException("user " + a + " does not exist");
      }
    } catch (DirectoryException e) {
      throw new CollectException("cannot read the users: " + e.getMessage(), e);
    }
    return a;
  }

  @Override
  public void close() {
    accounts.close();
  }
}
