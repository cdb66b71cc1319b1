package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.queue.Envelope;
import dev.postamt.routing.Destination;
import dev.postamt.routing.Resolution;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the router said at RCPT rides with the transaction to the end of DATA ({@link Transaction#resolutions}),
 * but only where it is what the router would say again for the envelope address: not for an SRS address
 * (reversed; a remote original is made a local destination for the relay rules), an address literal or a
 * bare {@code postmaster} (both rewritten to our host name).
 */
class TransactionResolutionsTest {
  private static final Resolution ALICE = new Resolution.Local(List.of(new Destination.Mailbox("alice@example.test")));

  private static StageContext.Recipient looked(String rcpt, String address, Resolution r) throws SmtpException {
    MailPath path = MailPath.parse(rcpt, false);
    String domain = address.substring(address.lastIndexOf('@') + 1);
    return new StageContext.Recipient(path, address, domain, r);
  }

  private static Envelope.Recipient rcpt(String address) {
    return new Envelope.Recipient(address, List.of(), Optional.empty());
  }

  @Test
  void aPlainRecipientsResolutionIsKeptByItsAddress() throws Exception {
    Transaction tx = new Transaction(MailPath.parse("<s@remote.test>", true));
    StageContext.Recipient a = looked("<alice@Example.TEST>", "alice@example.test", ALICE);
    assertThat(tx.add(a, rcpt(a.address()))).isTrue();
    StageContext.Recipient remote = looked("<bob@remote.test>", "bob@remote.test", new Resolution.NotLocal());
    assertThat(tx.add(remote, rcpt(remote.address()))).isTrue();
    assertThat(tx.add(a, rcpt(a.address()))).as("a repeat adds nothing").isFalse();

    assertThat(tx.resolutions()).containsOnlyKeys("alice@example.test", "bob@remote.test");
    assertThat(tx.resolutions().get("alice@example.test")).isEqualTo(ALICE);
    assertThat(tx.recipients()).extracting(Envelope.Recipient::address).containsExactly("alice@example.test", "bob@remote.test");
  }

  @Test
  void rewrittenRecipientsAreResolvedAgainLater() throws Exception {
    Transaction tx = new Transaction(MailPath.parse("<>", true));
    StageContext.Recipient postmaster = looked("<postmaster>", "postmaster@mx.example.test", ALICE);
    StageContext.Recipient literal = looked("<alice@[127.0.0.1]>", "alice@mx.example.test", ALICE);
    StageContext.Recipient srs = looked("<SRS0=HHH=TT=orig.test=bob@mx.example.test>", "bob@orig.test",
        new Resolution.Local(List.of(new Destination.Remote("bob@orig.test"))));
    for (StageContext.Recipient r : List.of(postmaster, literal, srs)) {
      tx.add(r, rcpt(r.address()));
      assertThat(RecipientLookup.plainResolution(r)).as(r.path().address()).isFalse();
    }
    assertThat(tx.resolutions()).isEmpty();
    assertThat(tx.recipients()).hasSize(3);
  }
}
