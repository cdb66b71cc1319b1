package dev.postamt.collect;

import dev.postamt.config.Config;
import dev.postamt.directory.Directory;
import dev.postamt.mda.Outbox;
import dev.postamt.mda.SieveDelivery;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.RecipientStatus;
import dev.postamt.routing.Router;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.sieve.store.SqliteSieveScripts;
import dev.postamt.sieve.store.SqliteVacations;
import dev.postamt.store.MailStore;
import dev.postamt.store.Quota;
import dev.postamt.store.MaildirMailStore;
import dev.postamt.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Local delivery of a collected message, the mailbox path of {@code delivery.LocalDelivery}: the user's
 * quota is checked, then {@link SieveDelivery} runs the user's scripts and stores the copies (or keeps
 * into INBOX when a script fails). Mail that Sieve sends (redirects, vacation replies) goes into the
 * queue's spool. In {@code serve} it uses the server's store and Sieve; {@link #standalone} opens its
 * own for {@code postamt collect run}.
 */
public final class MdaDrop implements LocalDrop, AutoCloseable {
  private static final Pattern RETURN_PATH = Pattern.compile("(?i)^Return-Path:\\s*<([^>\\r\\n]*)>");

  private final MailStore store;
  private final SieveDelivery sieve;
  private final Consumer<String> onDelivered;
  private final List<AutoCloseable> owned;

  private MdaDrop(MailStore store, SieveDelivery sieve, Consumer<String> onDelivered, List<AutoCloseable> owned) {
    this.store = store;
    this.sieve = sieve;
    this.onDelivered = onDelivered;
    this.owned = owned;
  }

  /** Through the running server's store and Sieve; {@code onDelivered} wakes IMAP IDLE. Closes nothing. */
  public static MdaDrop of(MailStore store, SieveDelivery sieve, Consumer<String> onDelivered) {
    return new MdaDrop(store, sieve, onDelivered, List.of());
  }

  /**
   * Its own store, Sieve scripts, vacation replies and spool on {@code config}'s data directory (the
   * spool's new messages are sent by {@code serve}, at once when it runs or when it starts).
   */
  public static MdaDrop standalone(Config config, Quota.Policy quotas) throws IOException {
    List<AutoCloseable> owned = new ArrayList<>();
    try {
      MaildirMailStore store = MaildirMailStore.open(config, quotas, 0);
      owned.add(store);
      SqliteSieveScripts scripts = SqliteSieveScripts.open(config.dataDir(),
          dev.postamt.sieve.store.SieveScripts.Limits.of(config.sieve()));
      owned.add(scripts::close);
      Router router;
      try (Directory directory = Directory.open(config)) {
        router = new Router(directory, config);
      }
      DurableSpool spool = new DurableSpool(config.dataDir().resolve("queue"));
      Outbox outbox = new Outbox(config, spool, router.srs()::forward);
      SieveDelivery sieve = new SieveDelivery(config, store, scripts, outbox);
      owned.add(sieve);
      SqliteVacations vacations = SqliteVacations.open(config.dataDir());
      owned.add(vacations::close);
      sieve.useVacations(vacations);
      return new MdaDrop(store, sieve, user -> {}, owned);
    } catch (dev.postamt.sieve.store.SieveStoreException | dev.postamt.directory.DirectoryException e) {
      closeAll(owned);
      throw new IOException(e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      closeAll(owned);
      throw e;
    }
  }

  @Override
  public String deliver(String user, String queueId, byte[] message, MailStore.DeliveryId id, boolean retry) {
    try {
      if (retry && store.delivered(user, id, message.length)) {
        return null;
      }
      if (!store.quota(user).allows(message.length, 1)) {
        return user + "'s mailbox is full (quota exceeded); the message stays on the server";
      }
    } catch (IOException | StoreException e) {
      return "cannot deliver to " + user + ": " + e.getMessage();
    }
    SieveEnvelope envelope = new SieveEnvelope(sender(message), user, null, null);
    RecipientStatus st = sieve.deliver(new SieveDelivery.Request(queueId, 0, user, envelope, bodyType(message),
        message, 0, id, retry));
    return switch (st) {
      case RecipientStatus.Delivered d -> {
        onDelivered.accept(user);
        yield null;
      }
      case RecipientStatus.TempFail t -> t.reason();
      case RecipientStatus.PermFail p -> p.reason();
      case RecipientStatus.Scheduled s -> "not delivered";
    };
  }

  /** The envelope sender as the remote server recorded it in {@code Return-Path:}, else the null sender. */
  static String sender(byte[] message) {
    String head = new String(message, 0, Math.min(message.length, 64 * 1024), StandardCharsets.ISO_8859_1);
    int end = head.indexOf("\r\n\r\n");
    for (String line : (end < 0 ? head : head.substring(0, end)).split("\r\n")) {
      Matcher m = RETURN_PATH.matcher(line);
      if (m.find()) {
        return m.group(1).strip();
      }
    }
    return "";
  }

  private static String bodyType(byte[] message) {
    for (byte b : message) {
      if (b < 0) {
        return "8BITMIME";
      }
    }
    return "7BIT";
  }

  @Override
  public void close() {
    closeAll(owned);
  }

  private static void closeAll(List<AutoCloseable> owned) {
    for (AutoCloseable c : owned.reversed()) {
      try {
        c.close();
      } catch (Exception ignored) {
        // closing the rest
      }
    }
  }
}
