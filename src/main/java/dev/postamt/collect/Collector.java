package dev.postamt.collect;

import dev.postamt.config.Config;
import dev.postamt.mime.MailDate;
import dev.postamt.store.MailStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run over one remote account: list the remote INBOX, deliver each message not seen before, record
 * it, then delete what was collected unless the account keeps it. Exactly once, also across {@code kill
 * -9} (see the package description): for each message, (1) a pending row with the time the delivery
 * begins is committed, (2) the message is delivered under a {@link MailStore.DeliveryId} derived from the
 * account and remote id and that time, with our trace fields derived from the same, so a repeat is
 * byte-identical, (3) pending becomes seen in one transaction, (4) only then is it deleted remotely. A
 * run that finds a pending row delivers as a retry: the store is asked first and a copy already there
 * is not stored again.
 *
 * <p>Trouble (remote down, bad password, quota, TLS) ends the run with the error recorded for {@code
 * collect list} and the self-service page, and the next attempt is put off: {@code interval} times two
 * per failure in a row, at most {@code max_backoff}. What was delivered before stays recorded.
 */
public final class Collector {
  private static final Logger log = LoggerFactory.getLogger(Collector.class);
  /**
   * Accounts being collected in this process, as lock file paths (a file lock alone does not exclude
   * this JVM's threads; the path tells the data directories of several servers in one JVM apart).
   */
  private static final Set<Path> RUNNING = ConcurrentHashMap.newKeySet();

  /**
   * What one run did.
   *
   * @param fetched messages delivered locally
   * @param deleted messages deleted on the remote server
   * @param tooLarge messages left on the server because they exceed {@code limits.message_size}
   * @param error what ended the run early; null when it went through
   */
  public record Result(long account, String owner, RemoteUrl url, int fetched, int deleted, int tooLarge, String error) {}

  private final Config config;
  private final CollectAccounts accounts;
  private final SecretBox secrets;
  private final LocalDrop drop;
  private final Clock clock;

  Collector(Config config, CollectAccounts accounts, SecretBox secrets, LocalDrop drop, Clock clock) {
    this.config = config;
    this.accounts = accounts;
    this.secrets = secrets;
    this.drop = drop;
    this.clock = clock;
  }

  /** Runs {@code a} now; never throws for trouble with the remote side or delivery. */
  Result run(CollectAccounts.Account a) {
    return run(a, null);
  }

  /**
   * Runs {@code a} now, or, with {@code dueBy}, only if it is still due then once claimed: the poller of another
   * node sharing the state may have run it since {@code a} was read, and an account is polled once per turn.
   */
  Result run(CollectAccounts.Account a, Instant dueBy) {
    Path lockFile = config.dataDir().toAbsolutePath().normalize().resolve("collect").resolve(a.id() + ".lock");
    if (!RUNNING.add(lockFile)) {
      return new Result(a.id(), a.owner(), a.url(), 0, 0, 0, "another run is collecting this account");
    }
    try {
      Files.createDirectories(lockFile.getParent());
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = ch.tryLock()) {
        if (lock == null) {
          return new Result(a.id(), a.owner(), a.url(), 0, 0, 0, "another process is collecting this account");
        }
        return claimed(a, dueBy);
      }
    } catch (IOException | OverlappingFileLockException e) {
      return new Result(a.id(), a.owner(), a.url(), 0, 0, 0, "cannot lock " + lockFile + ": " + e.getMessage());
    } catch (UncheckedIOException e) { // the shared state could not be read or claimed; tried again next turn
      return new Result(a.id(), a.owner(), a.url(), 0, 0, 0, "cannot claim the account: " + e.getMessage());
    } finally {
      RUNNING.remove(lockFile);
    }
  }

  /** Under the lock file, claims the account where several nodes share the state (see {@link CollectAccounts#claim}). */
  private Result claimed(CollectAccounts.Account a, Instant dueBy) {
    Optional<CollectAccounts.Claim> claim = accounts.claim(a.id());
    if (claim.isEmpty()) {
      return new Result(a.id(), a.owner(), a.url(), 0, 0, 0, "another node is collecting this account");
    }
    try (CollectAccounts.Claim held = claim.get()) {
      // read again under the claim: what an earlier run (here or on another node) recorded counts
      Optional<CollectAccounts.Account> now = accounts.get(a.id());
      if (now.isEmpty()) {
        return new Result(a.id(), a.owner(), a.url(), 0, 0, 0, "the account was removed");
      }
      if (dueBy != null && now.get().nextAttempt().isAfter(dueBy)) {
        return new Result(a.id(), a.owner(), a.url(), 0, 0, 0, NOT_DUE);
      }
      return locked(now.get());
    }
  }

  /** The error of a run left out because another run just did it and set the next attempt later. */
  static final String NOT_DUE = "not due: another run collected this account meanwhile";

  private Result locked(CollectAccounts.Account a) {
    int[] counts = new int[3];
    String error = null;
    try {
      collect(a, counts);
    } catch (IOException | UncheckedIOException | CollectException e) {
      error = e.getMessage() == null ? e.toString() : e.getMessage();
    } catch (RuntimeException e) {
      log.error("collect: account {} of {}: internal error", a.id(), a.owner(), e);
      error = "internal error: " + e;
    }
    Instant now = clock.instant();
    int failures = error == null ? 0 : a.failures() + 1;
    Instant next = now.plus(error == null ? config.collect().interval() : backoff(failures));
    try {
      accounts.finished(a.id(), now, error, failures, next);
    } catch (UncheckedIOException e) {
      log.warn("collect: account {} of {}: cannot record the run: {}", a.id(), a.owner(), e.getMessage());
    }
    if (error != null) {
      log.warn("collect: account {} of {} ({}): {} (next attempt {})", a.id(), a.owner(), a.url(), error, next);
    } else if (counts[0] + counts[1] > 0) {
      log.info("collect: account {} of {} ({}): {} fetched, {} deleted", a.id(), a.owner(), a.url(), counts[0], counts[1]);
    }
    return new Result(a.id(), a.owner(), a.url(), counts[0], counts[1], counts[2], error);
  }

  /** {@code interval} × 2^(failures−1), at most {@code max_backoff}. */
  Duration backoff(int failures) {
    Duration d = config.collect().interval();
    for (int i = 1; i < failures && d.compareTo(config.collect().maxBackoff()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(config.collect().maxBackoff()) > 0 ? config.collect().maxBackoff() : d;
  }

  private void collect(CollectAccounts.Account a, int[] counts) throws IOException {
    String password = secrets.open(a.owner(), a.password());
    long max = config.limits().messageSize();
    try (RemoteMailbox remote = RemoteMailbox.open(a.url(), a.insecure(), a.plaintext(), a.login(), password,
        config.collect().timeout())) {
      List<RemoteMailbox.Message> listed = remote.list();
      Set<String> seen = accounts.seen(a.id());
      Map<String, Instant> pending = accounts.pending(a.id());
      List<RemoteMailbox.Message> delete = new ArrayList<>();
      String stopped = null;
      for (RemoteMailbox.Message m : listed) {
        if (seen.contains(m.id())) {
          if (!a.keep()) {
            delete.add(m); // collected before, deletion interrupted
          }
          continue;
        }
        if (m.size() > max) {
          counts[2]++;
          continue;
        }
        Instant began = pending.get(m.id());
        boolean retry = began != null;
        if (!retry) {
          began = clock.instant().truncatedTo(ChronoUnit.SECONDS);
          accounts.begin(a.id(), m.id(), began);
        }
        byte[] body = remote.fetch(m);
        if (body.length > max) {
          counts[2]++;
          continue;
        }
        String unique = unique(a.id(), m.id());
        byte[] message = withTrace(a, unique, began, body);
        String problem = drop.deliver(a.owner(), unique,
            message, new MailStore.DeliveryId(began.getEpochSecond(), unique, config.hostname()), retry);
        if (problem != null) {
          stopped = problem;
          break;
        }
        accounts.delivered(a.id(), m.id());
        counts[0]++;
        if (!a.keep()) {
          delete.add(m);
        }
      }
      remote.delete(delete);
      remote.commit();
      counts[1] = delete.size();
      accounts.forgetAllBut(a.id(), listed.stream().map(RemoteMailbox.Message::id).toList());
      if (stopped != null) {
        throw new IOException(stopped);
      }
      if (counts[2] > 0) {
        throw new IOException(counts[2] + (counts[2] == 1 ? " message is" : " messages are")
            + " larger than limits.message_size (" + max + " bytes) and left on the server");
      }
    }
  }

  /**
   * The message as delivered: {@code Delivered-To:} and our {@code Received:} (RFC 5321 §4.4, "with POP3"
   * or "with IMAP" naming how it came) in front of the remote bytes. Everything in it derives from the
   * pending row, so a retry produces the same bytes (and the same size the store checks).
   */
  byte[] withTrace(CollectAccounts.Account a, String unique, Instant began, byte[] body) {
    String trace = "Delivered-To: " + a.owner() + "\r\n"
        + "Received: from " + a.url().host() + " (" + a.url() + ")\r\n"
        + "\tby " + config.hostname() + " (Postamt) with " + a.url().protocol() + " id " + unique + "\r\n"
        + "\tfor <" + a.owner() + ">; " + MailDate.format(began.atOffset(ZoneOffset.UTC)) + "\r\n";
    byte[] t = trace.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[t.length + body.length];
    System.arraycopy(t, 0, out, 0, t.length);
    System.arraycopy(body, 0, out, t.length, body.length);
    return out;
  }

  /** A spool- and Maildir-safe id for one remote message of one account: {@code C} + 20 hex digits of SHA-256. */
  static String unique(long account, String remoteId) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest((account + "\0" + remoteId).getBytes(StandardCharsets.UTF_8));
      return "C" + HexFormat.of().withUpperCase().formatHex(h, 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
