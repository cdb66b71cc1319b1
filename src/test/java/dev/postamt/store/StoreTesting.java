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
      return ((MaildirAccount) a).file(mailbox, m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Wraps a blob store whose disk is full: {@code put} and {@code copy} fail as the kernel says it. */
  public static BlobStore fullDisk(BlobStore real) {
    return new Forwarding(real) {
      @Override
      public String put(MailboxInfo mailbox, java.io.InputStream content, long size, Set<String> flags, long date)
          throws IOException {
        throw new IOException("No space left on device");
      }

      @Override
      public String copy(MailboxInfo from, String key, Set<String> flags, long size, MailboxInfo to)
          throws IOException {
        throw new IOException("No space left on device");
      }
    };
  }

  /**
   * Wraps a blob store so that {@code between} runs after each {@code put} or {@code copy} has written its
   * blob and before the caller indexes it: the moment another process may see an unindexed file.
   */
  public static BlobStore afterWrite(BlobStore real, Runnable between) {
    return new Forwarding(real) {
      @Override
      public String put(MailboxInfo mailbox, java.io.InputStream content, long size, Set<String> flags, long date)
          throws IOException {
        String key = super.put(mailbox, content, size, flags, date);
        between.run();
        return key;
      }

      @Override
      public String copy(MailboxInfo from, String key, Set<String> flags, long size, MailboxInfo to)
          throws IOException {
        String copy = super.copy(from, key, flags, size, to);
        between.run();
        return copy;
      }
    };
  }

  /** Passes everything on to the real blob store. */
  private static class Forwarding implements BlobStore {
    private final BlobStore real;

    Forwarding(BlobStore real) {
      this.real = real;
    }

    @Override
    public void checkName(String mailbox) {
      real.checkName(mailbox);
    }

    @Override
    public void createMailbox(String mailbox) throws IOException {
      real.createMailbox(mailbox);
    }

    @Override
    public void renameMailbox(String from, String to) throws IOException {
      real.renameMailbox(from, to);
    }

    @Override
    public void deleteMailbox(MailboxInfo mailbox) throws IOException {
      real.deleteMailbox(mailbox);
    }

    @Override
    public String put(MailboxInfo mailbox, java.io.InputStream content, long size, Set<String> flags, long date)
        throws IOException {
      return real.put(mailbox, content, size, flags, date);
    }

    @Override
    public java.util.Optional<MessageContent> open(MailboxInfo mailbox, String key, Set<String> flags) throws IOException {
      return real.open(mailbox, key, flags);
    }

    @Override
    public String copy(MailboxInfo from, String key, Set<String> flags, long size, MailboxInfo to) throws IOException {
      return real.copy(from, key, flags, size, to);
    }

    @Override
    public void delete(MailboxInfo mailbox, java.util.Collection<MessageRecord> messages) throws IOException {
      real.delete(mailbox, messages);
    }

    @Override
    public void flagsChanged(MailboxInfo mailbox, String key, Set<String> oldFlags, Set<String> newFlags) {
      real.flagsChanged(mailbox, key, oldFlags, newFlags);
    }
  }
}
