package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's hook for messages that stand in for others (IM2000 stubs): {@link Account#open} serves what
 * the resolver gives, a stub keeps the size it was delivered under, the stored file is never changed, and
 * an unattended reader (the indexer) gets nothing for a stub the resolver will not pull for it.
 */
class MessageResolverTest {
  private static final String USER = "bob@b.test";
  private static final byte[] STUB = "Subject: stub\r\nX-Stub: yes\r\n\r\nheld elsewhere\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] FULL =
      "Subject: stub\r\n\r\nthe whole message, longer than its stub, as the sender has it\r\n".getBytes(StandardCharsets.US_ASCII);

  /** Resolves messages carrying X-Stub to FULL, counting the pulls. */
  private static final class Resolver implements MessageResolver {
    final AtomicInteger pulls = new AtomicInteger();

    @Override
    public Resolved resolve(String user, MessageContent stored) throws java.io.IOException {
      if (!new String(stored.readAllBytes(), StandardCharsets.US_ASCII).contains("X-Stub: yes")) {
        return new Resolved(Outcome.CONTENT, stored);
      }
      stored.close();
      if (UNATTENDED.isBound() && UNATTENDED.get()) {
        return new Resolved(Outcome.NOT_NOW, null);
      }
      pulls.incrementAndGet();
      return new Resolved(Outcome.CONTENT, new MessageContent(new Bytes(FULL), FULL.length));
    }
  }

  @Test
  void aStubIsServedAsTheMessageItStandsForUnderThatSize(@TempDir Path dir) throws Exception {
    try (SqliteMailStore s = new SqliteMailStore(dir)) {
      Resolver r = new Resolver();
      s.resolveWith(r);
      s.deliver(USER, new MailStore.DeliveryId(1_700_000_000L, "stub1", "mx.b.test"), new ByteArrayInputStream(STUB), FULL.length);
      byte[] plain = "Subject: plain\r\n\r\nno stub\r\n".getBytes(StandardCharsets.US_ASCII);
      s.deliver(USER, new MailStore.DeliveryId(1_700_000_001L, "plain1", "mx.b.test"), new ByteArrayInputStream(plain),
          plain.length);
      try (Account a = s.open(USER)) {
        MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
        List<MessageRecord> msgs = a.snapshot(inbox.id()).messages();
        assertThat(msgs).hasSize(2);
        assertThat(msgs.getFirst().size()).as("RFC822.SIZE from the start").isEqualTo(FULL.length);

        Object unattended = ScopedValue.where(MessageResolver.UNATTENDED, true).call(() -> a.open(inbox, msgs.getFirst()));
        assertThat(unattended).isEqualTo(java.util.Optional.empty());
        assertThat(r.pulls).hasValue(0);

        try (MessageContent c = a.open(inbox, msgs.getFirst()).orElseThrow()) {
          assertThat(c.size()).isEqualTo(FULL.length);
          assertThat(c.readAllBytes()).isEqualTo(FULL);
        }
        assertThat(r.pulls).hasValue(1);
        try (MessageContent c = a.open(inbox, msgs.get(1)).orElseThrow()) {
          assertThat(c.readAllBytes()).isEqualTo(plain);
        }
        assertThat(r.pulls).hasValue(1);
      }
      // the stored file is still the stub: message files are never rewritten
      try (var files = Files.walk(MailboxLayout.maildir(dir, USER))) {
        assertThat(files.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().contains("stub1")).toList())
            .singleElement().satisfies(p -> assertThat(Files.readAllBytes(p)).isEqualTo(STUB));
      }
    }
  }

  @Test
  void withoutAResolverTheStoredBytesAreServed(@TempDir Path dir) throws Exception {
    try (SqliteMailStore s = new SqliteMailStore(dir)) {
      s.deliver(USER, new MailStore.DeliveryId(1_700_000_000L, "stub1", "mx.b.test"), new ByteArrayInputStream(STUB), STUB.length);
      try (Account a = s.open(USER)) {
        MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
        MessageRecord m = a.snapshot(inbox.id()).messages().getFirst();
        try (MessageContent c = a.open(inbox, m).orElseThrow()) {
          assertThat(c.readAllBytes()).isEqualTo(STUB);
        }
      }
    }
  }

  /** A byte array as a read-only channel. */
  private static final class Bytes implements SeekableByteChannel {
    private final byte[] b;
    private long pos;
    private boolean open = true;

    Bytes(byte[] b) {
      this.b = b;
    }

    @Override
    public int read(ByteBuffer dst) {
      if (pos >= b.length) {
        return -1;
      }
      int n = (int) Math.min(dst.remaining(), b.length - pos);
      dst.put(b, (int) pos, n);
      pos += n;
      return n;
    }

    @Override
    public int write(ByteBuffer src) {
      throw new java.nio.channels.NonWritableChannelException();
    }

    @Override
    public long position() {
      return pos;
    }

    @Override
    public SeekableByteChannel position(long p) {
      pos = p;
      return this;
    }

    @Override
    public long size() {
      return b.length;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
      throw new java.nio.channels.NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void close() {
      open = false;
    }
  }
}
