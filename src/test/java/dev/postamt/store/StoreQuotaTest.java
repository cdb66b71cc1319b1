package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quota usage is counted across every way messages come and go, and APPEND/COPY respect the limits. */
class StoreQuotaTest {
  static final String USER = "alice@example.test";
  static final byte[] MSG = "Subject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII); // 20 bytes
  static final int N = MSG.length;

  @TempDir Path data;
  final Map<String, Quota.Limit> limits = new ConcurrentHashMap<>();
  final Quota.Policy policy = user -> limits.getOrDefault(user, Quota.Limit.UNLIMITED);

  void deliver(String unique) throws Exception {
    String base = Maildir.baseName(System.currentTimeMillis() / 1000, unique, "host", N);
    Maildir.deliver(MailboxLayout.maildir(data, USER), base, new byte[0], new ByteArrayInputStream(MSG));
  }

  @Test
  void usageFollowsAppendCopyMoveExpungeDeleteAndDelivery() throws Exception {
    try (MailStore store = new SqliteMailStore(data, policy); Account a = store.open(USER)) {
      assertThat(a.quota().usage()).isEqualTo(new Quota.Usage(0, 0));
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 1000);
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 2000);
      assertThat(a.quota().usage()).isEqualTo(new Quota.Usage(2L * N, 2));

      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      a.copy(inbox.id(), a.messages(inbox.id()), "Archive");
      assertThat(a.quota().usage()).isEqualTo(new Quota.Usage(4L * N, 4));

      a.move(inbox.id(), a.messages(inbox.id()).subList(0, 1), "Trash");
      assertThat(a.quota().usage()).isEqualTo(new Quota.Usage(4L * N, 4));

      a.store(inbox.id(), List.of(2L), Account.FlagMode.ADD, List.of("\\Deleted"));
      assertThat(a.deletedSize("INBOX")).isEqualTo(N);
      a.expunge(inbox.id(), Optional.empty());
      assertThat(a.quota().usage()).isEqualTo(new Quota.Usage(3L * N, 3));

      a.delete("Archive"); // its rows go by ON DELETE CASCADE
      assertThat(a.quota().usage()).isEqualTo(new Quota.Usage(N, 1));

      deliver("d1"); // local delivery writes new/; the usage check takes it in
      assertThat(a.quota().usage()).isEqualTo(new Quota.Usage(2L * N, 2));

      a.reindex(true);
      assertThat(a.quota().usage()).isEqualTo(new Quota.Usage(2L * N, 2));
    }
    try (MailStore store = new SqliteMailStore(data, policy); Account a = store.open(USER)) {
      assertThat(a.quota().usage()).isEqualTo(new Quota.Usage(2L * N, 2));
    }
  }

  @Test
  void appendAndCopyBeyondTheLimitAreRefusedMoveIsNot() throws Exception {
    limits.put(USER, new Quota.Limit(3L * N, 0));
    try (MailStore store = new SqliteMailStore(data, policy); Account a = store.open(USER)) {
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 1000);
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 1000);
      MailboxInfo inbox = a.mailbox("INBOX").orElseThrow();
      // two more would make four: refused as a whole, nothing copied
      assertThatThrownBy(() -> a.copy(inbox.id(), a.messages(inbox.id()), "Archive"))
          .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.OVERQUOTA));
      assertThat(a.messages(a.mailbox("Archive").orElseThrow().id())).isEmpty();
      a.copy(inbox.id(), a.messages(inbox.id()).subList(0, 1), "Archive"); // exactly at the limit is allowed
      assertThat(a.quota().usage().bytes()).isEqualTo(3L * N);
      assertThat(a.quota().full()).isTrue();
      assertThatThrownBy(() -> StoreTesting.append(a, "INBOX", MSG, Set.of(), 1000))
          .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.OVERQUOTA))
          .hasMessageContaining("Quota exceeded");
      // a full user can still tidy up: MOVE does not add to the usage
      a.move(inbox.id(), a.messages(inbox.id()), "Trash");
      assertThat(a.quota().usage().bytes()).isEqualTo(3L * N);
      // a missing target is still NONEXISTENT, not OVERQUOTA
      assertThatThrownBy(() -> a.copy(inbox.id(), List.of(), "Nope"))
          .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.NONEXISTENT));
      limits.put(USER, new Quota.Limit(10L * N, 0)); // limits are read at each check
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 1000);
    }
  }

  @Test
  void messageCountLimit() throws Exception {
    limits.put(USER, new Quota.Limit(0, 2));
    try (MailStore store = new SqliteMailStore(data, policy); Account a = store.open(USER)) {
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 1000);
      StoreTesting.append(a, "Drafts", MSG, Set.of(), 1000);
      assertThatThrownBy(() -> StoreTesting.append(a, "Sent", MSG, Set.of(), 1000))
          .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.kind()).isEqualTo(StoreException.Kind.OVERQUOTA));
    }
  }

  @Test
  void quotaOfAUserWithoutAnOpenAccountCountsMailWaitingInNew() throws Exception {
    limits.put(USER, new Quota.Limit(3L * N, 0));
    try (MailStore store = new SqliteMailStore(data, policy)) {
      try (Account a = store.open(USER)) {
        StoreTesting.append(a, "Sent", MSG, Set.of(), 1000);
      }
      deliver("w1");
      deliver("w2");
      Quota.Status q = store.quota(USER); // read from index.db and new/, account not opened
      assertThat(q.usage()).isEqualTo(new Quota.Usage(3L * N, 3));
      assertThat(q.full()).isTrue();
      assertThat(q.allows(0, 0)).isTrue();
      assertThat(MailboxLayout.maildir(data, USER).resolve("new").toFile().list()).hasSize(2);
      assertThat(store.quota("unlimited@example.test").limit().unlimited()).isTrue();
    }
  }

  @Test
  void anIndexFromBeforeQuotasIsCountedOnOpen() throws Exception {
    try (MailStore store = new SqliteMailStore(data); Account a = store.open(USER)) {
      StoreTesting.append(a, "INBOX", MSG, Set.of(), 1000);
      StoreTesting.append(a, "Sent", MSG, Set.of(), 1000);
    }
    Path index = MailboxLayout.home(data, USER).resolve("index.db");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + index); Statement st = c.createStatement()) {
      for (String t : List.of("quota_usage_insert", "quota_usage_delete", "quota_usage_resize")) {
        st.execute("DROP TRIGGER " + t);
      }
      st.execute("DROP TABLE quota_usage");
    }
    assertThat(MailIndex.peekUsage(index)).isEmpty();
    limits.put(USER, new Quota.Limit(1000, 0));
    try (MailStore store = new SqliteMailStore(data, policy)) {
      assertThat(store.quota(USER).usage()).isEqualTo(new Quota.Usage(2L * N, 2)); // opens and counts once
    }
    assertThat(MailIndex.peekUsage(index)).contains(new Quota.Usage(2L * N, 2));
  }
}
