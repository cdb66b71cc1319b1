package dev.postamt.mda;

import dev.postamt.sieve.SieveEnvironment;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MailboxNames;
import dev.postamt.store.StoreException;
import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a script sees of the system during one delivery to one user: the user's mailboxes (the account
 * is opened only if a script asks), the vacation and duplicate records, the clock. Duplicate ids
 * (RFC 7352) are only noted here; {@link #commitDuplicates} records them once the delivery succeeded,
 * so a retried delivery answers the same. A failure reading the records counts as "not seen": a reply
 * too many is better than a message lost.
 */
final class DeliveryEnvironment implements SieveEnvironment, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliveryEnvironment.class);

  private final String user;
  private final String hostname;
  private final MailStore store;
  private final SeenLog vacations;
  private final SeenLog duplicates;
  private final ZonedDateTime now;
  /** {@code delivery.recipient_delimiter}, so Sieve's {@code :detail} splits as routing does (RFC 5233). */
  private String recipientDelimiter = "+";
  /** {@code queue.postmaster}, qualified with our hostname: who vacation and notification fall back to. */
  private String postmaster;
  private final List<String> pendingDuplicates = new ArrayList<>();
  private Account account;

  /** @param store the mail store, or null (no mailbox exists but INBOX) */
  DeliveryEnvironment(String user, String hostname, MailStore store, SeenLog vacations, SeenLog duplicates,
      ZonedDateTime now) {
    this.user = user;
    this.hostname = hostname;
    this.store = store;
    this.vacations = vacations;
    this.duplicates = duplicates;
    this.now = now;
  }

  /** RFC 5235 virustest: 0 not tested, 1 clean, 5 infected (docs/antivirus.md). */
  private int virusVerdict;

  /**
   * The virus verdict our end-of-DATA scan wrote into {@code X-Virus-Status} (the scan drops such fields
   * arriving from outside, so they are only believed while {@code scanning} is on).
   */
  DeliveryEnvironment virusStatus(boolean scanning, List<String> statusFields) {
    virusVerdict = 0;
    if (scanning && !statusFields.isEmpty()) {
      String v = statusFields.getFirst().strip().toLowerCase(java.util.Locale.ROOT);
      virusVerdict = v.startsWith("clean") ? 1 : v.startsWith("infected") ? 5 : 0;
    }
    return this;
  }

  @Override
  public int virusVerdict() {
    return virusVerdict;
  }

  /** RFC 5235 spamtest as a fraction 0..1 of "certainly spam"; empty: not tested. */
  private java.util.OptionalDouble spamScore = java.util.OptionalDouble.empty();

  /**
   * The spam score our end-of-DATA scan wrote into {@code X-Spam-Score} (the scan drops such fields
   * arriving from outside, so they are only believed while {@code scanning} is on), as RFC 5235 wants
   * it: a fraction where 0 is "certainly not spam" and 1 "certainly spam". The thresholds set the scale,
   * so that a script's tests agree with the tag: a score at or above {@code addHeader} is {@code
   * spamtest} 5 or more and {@code spamtestplus :percent} 50 or more, a score below it at most 4 and
   * under 45%; {@code reject} (or above) is 10 and 100%; 0 or less is 1 and 0%.
   */
  DeliveryEnvironment spamStatus(boolean scanning, List<String> scoreFields, double addHeader, double reject) {
    spamScore = java.util.OptionalDouble.empty();
    if (scanning && !scoreFields.isEmpty()) {
      try {
        spamScore = java.util.OptionalDouble.of(spamFraction(Double.parseDouble(scoreFields.getFirst().strip()), addHeader, reject));
      } catch (NumberFormatException e) {
        // not a number: not tested
      }
    }
    return this;
  }

  /**
   * Below {@code addHeader}: 0 .. 4/9 (spamtest 1..4, as {@code 1 + floor(9 × fraction)}); from it to
   * {@code reject}: 0.5 .. 1 (spamtest 5..10).
   */
  static double spamFraction(double score, double addHeader, double reject) {
    if (Double.isNaN(score)) {
      return 0;
    }
    if (score < addHeader) {
      if (score <= 0 || addHeader <= 0) {
        return 0;
      }
      return 4.0 / 9 * score / addHeader * (1 - 1e-9); // strictly below 4/9: spamtest stays under 5
    }
    if (score >= reject || reject <= addHeader) {
      return 1;
    }
    return 0.5 + 0.5 * (score - addHeader) / (reject - addHeader);
  }

  @Override
  public java.util.OptionalDouble spamScore() {
    return spamScore;
  }

  DeliveryEnvironment recipientDelimiter(String delimiter) {
    this.recipientDelimiter = delimiter;
    return this;
  }

  /** {@code queue.postmaster}; without a domain it is qualified with our hostname. */
  DeliveryEnvironment postmaster(String address) {
    this.postmaster = address == null || address.isBlank() ? null
        : address.indexOf('@') < 0 ? address + "@" + hostname : address;
    return this;
  }

  /**
   * Pigeonhole's setting names that our config decides: the recipient delimiter, the user's address and
   * the postmaster (the From of a vacation reply or notification that has no other, {@code
   * sieve.ext.VacationReply#postmaster}). The others keep Pigeonhole's defaults.
   */
  @Override
  public Optional<String> setting(String name) {
    return switch (name) {
      case "recipient_delimiter" -> Optional.of(recipientDelimiter);
      case "sieve_user_email" -> Optional.of(user);
      case "postmaster_address" -> Optional.ofNullable(postmaster);
      default -> Optional.empty();
    };
  }

  /** The user's account, opened on first use; null without a store. */
  Account account() {
    if (account == null && store != null) {
      account = store.open(user);
    }
    return account;
  }

  @Override
  public boolean mailboxExists(String mailbox) {
    String name = MailboxNames.normalize(mailbox);
    if (name.equals(MailboxNames.INBOX)) {
      return true;
    }
    if (store == null) {
      return false;
    }
    if (store.mailboxExists(user, name)) {
      return true; // the common case, without opening the account
    }
    try {
      // the account knows best (and makes the default folders of a user who never logged in)
      return account().mailbox(name).isPresent();
    } catch (StoreException e) {
      return false;
    }
  }

  @Override
  public Optional<String> specialUseMailbox(String use) {
    Account a = account();
    if (a == null) {
      return Optional.empty();
    }
    for (MailboxInfo m : a.mailboxes()) {
      if (m.specialUse().isPresent() && m.specialUse().get().equalsIgnoreCase(use)) {
        return Optional.of(m.name());
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean duplicateSeen(String id, Duration period) {
    pendingDuplicates.add(id);
    try {
      return duplicates != null && duplicates.within(user, id, period, now.toInstant());
    } catch (IOException e) {
      log.warn("sieve: user={}: cannot read the duplicate records: {}", user, e.getMessage());
      return false;
    }
  }

  /** Records the ids the duplicate test saw, now that the message is delivered. */
  void commitDuplicates() {
    for (String id : pendingDuplicates) {
      try {
        duplicates.record(user, id, now.toInstant());
      } catch (IOException e) {
        log.warn("sieve: user={}: cannot record a duplicate id: {}", user, e.getMessage());
      }
    }
    pendingDuplicates.clear();
  }

  static String vacationKey(String sender, String handle) {
    return sender.toLowerCase(Locale.ROOT) + "\0" + handle;
  }

  @Override
  public boolean vacationSent(String sender, String handle, Duration period) {
    try {
      return vacations != null && vacations.within(user, vacationKey(sender, handle), period, now.toInstant());
    } catch (IOException e) {
      log.warn("sieve: user={}: cannot read the vacation records: {}", user, e.getMessage());
      return false;
    }
  }

  @Override
  public ZonedDateTime now() {
    return now;
  }

  @Override
  public String user() {
    return user;
  }

  @Override
  public List<String> userAddresses() {
    return List.of(user);
  }

  @Override
  public Optional<String> item(String name) {
    return switch (name) {
      case "domain" -> Optional.of(user.substring(user.indexOf('@') + 1));
      case "host" -> Optional.of(hostname);
      default -> SieveEnvironment.super.item(name);
    };
  }

  @Override
  public void close() {
    if (account != null) {
      account.close();
      account = null;
    }
  }
}
