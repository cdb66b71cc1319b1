package dev.postamt.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A message that expires while the mailbox stays full bounces as "mailbox full", not as a time-out. */
class QuotaExpiryStatusTest {
  @Test
  void fullMailboxExpiresAs522OtherDeferralsAs547() {
    assertThat(QueueManager.expiredStatus("4.2.2 <a@example.test>: Mailbox full (quota exceeded)")).isEqualTo("5.2.2");
    assertThat(QueueManager.expiredStatus("4.4.1 connection refused")).isEqualTo("5.4.7");
    assertThat(QueueManager.expiredStatus("4.2.20 odd")).isEqualTo("5.4.7");
  }
}
