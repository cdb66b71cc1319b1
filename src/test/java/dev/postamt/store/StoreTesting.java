package dev.postamt.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;

/** Test shortcuts into the store: appends from a byte array, and the file behind a message. */
public final class StoreTesting {
  private StoreTesting() {}

  /** A store with a space reserve of {@code reserveBytes} whose blob stores {@code wrap} may decorate. */
  public static MailStore store(Path dataDir, long reserveBytes, java.util.function.UnaryOperator<BlobStore> wrap) {
    return new SqliteMailStore(dataDir, Quota.Policy.NONE, reserveBytes, wrap);
  }

  public static Account.AppendResult append(Account a, String mailbox, byte[] message, Set<String> flags, long date) {
    return a.append(mailbox, new ByteArrayInputStream(message), message.length, flags, date);
  }

  /** The Maildir file of a message (for tests that remove files behind the store's back), or null. */
  public static Path file(Account a, MailboxInfo mailbox, MessageRecord m) {
    try {
      return ((SqliteAccount) a).file(mailbox, m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
