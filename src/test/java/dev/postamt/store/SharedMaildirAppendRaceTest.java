package dev.postamt.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A blob written into a shared Maildir is visible before its index row commits. Another process opening
 * the account then (another node, the CLI beside the server) takes the file in with its folder scan; the
 * APPEND or COPY that wrote it must end with that one row, not fail on the duplicate (it answered
 * {@code NO [SERVERBUG]} in ThreeNodesTest's concurrent APPENDs) nor index the message twice.
 */
class SharedMaildirAppendRaceTest {
  private static final byte[] MESSAGE = "Subject: race\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

  @Test
  void anAppendWhoseFileAnotherProcessIndexedFirstKeepsThatRow(@TempDir Path dir) {
    Path data = dir.resolve("data");
    try (MailStore other = StoreTesting.store(data, 0, b -> b)) {
      Runnable otherOpens = () -> {
        try (Account a = other.open("alice@example.test")) {
          a.mailboxes(); // opening reconciles every folder, as a node's first login does
        }
      };
      try (MailStore store = StoreTesting.store(data, 0, b -> StoreTesting.afterWrite(b, otherOpens));
          Account alice = store.open("alice@example.test")) {
        Account.AppendResult appended = StoreTesting.append(alice, "INBOX", MESSAGE, Set.of("\\Seen", "$Important"), 1_700_000_000_000L);

        MailboxInfo inbox = alice.mailbox("INBOX").orElseThrow();
        List<MessageRecord> messages = alice.messages(inbox.id());
        assertThat(messages).extracting(MessageRecord::uid).containsExactly(appended.uid());
        // The Maildir name carries the system flags only: the APPEND's keywords must reach the row made first.
        assertThat(messages.getFirst().flags()).contains("\\Seen", "$Important");

        alice.create("Kept", null);
        Account.CopyResult copied = alice.copy(inbox.id(), messages, "Kept");
        MailboxInfo kept = alice.mailbox("Kept").orElseThrow();
        assertThat(alice.messages(kept.id())).extracting(MessageRecord::uid)
            .containsExactlyElementsOf(copied.targetUids());
        assertThat(alice.messages(kept.id()).getFirst().flags()).contains("\\Seen", "$Important");
      }
    }
  }
}
