package dev.postamt.mda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Config;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import dev.postamt.sieve.MimeSieveMessage;
import dev.postamt.sieve.OutgoingMessage;
import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.sieve.ext.VacationReply;
import dev.postamt.store.MailStore;
import dev.postamt.store.SqliteMailStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Delivery sends the mail the language composes ({@code sieve.ext.VacationReply}, {@code Mailto},
 * {@code Redirects}): the same bytes as {@code sieve test} and the Pigeonhole suite see, 7-bit, from the
 * null sender.
 */
class ComposedMailTest {
  static final String ALICE = "alice@example.test";
  static final String BOB = "bob@example.org";

  @TempDir Path dir;
  Config config;
  SqliteMailStore store;
  DurableSpool spool;
  final MemorySieveScripts scripts = new MemorySieveScripts();
  SieveDelivery sieve;

  void start(String toml) throws Exception {
    Path file = dir.resolve("postamt.toml");
    Files.writeString(file, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n" + toml);
    config = Config.load(file, true);
    store = new SqliteMailStore(config.dataDir());
    spool = new DurableSpool(config.dataDir().resolve("queue"));
    sieve = new SieveDelivery(config, store, scripts, new Outbox(config, spool, sender -> "SRS0=x=" + sender));
  }

  @AfterEach
  void close() {
    if (sieve != null) {
      sieve.close();
    }
    if (store != null) {
      store.close();
    }
  }

  static String message(String from, String headers, String body) {
    return "From: " + from + "\r\nTo: " + ALICE + "\r\nSubject: Hello\r\nMessage-ID: <m1@example.org>\r\n" + headers
        + "\r\n" + body;
  }

  static byte[] stored(String sender, String message) {
    return ("Return-Path: <" + sender + ">\r\nDelivered-To: " + ALICE + "\r\n" + message).getBytes(StandardCharsets.UTF_8);
  }

  RecipientStatus deliver(String queueId, String message) {
    byte[] all = stored(BOB, message);
    MailStore.DeliveryId id = new MailStore.DeliveryId(1_700_000_000L, "Q" + queueId + "R0", "mx.example.test");
    return sieve.deliver(new SieveDelivery.Request(queueId, 0, ALICE, new SieveEnvelope(BOB, ALICE, null, null),
        "8BITMIME", all, SieveDelivery.returnPathLength(all), id, false));
  }

  List<QueuedMessage> queued() throws IOException {
    List<QueuedMessage> out = new ArrayList<>();
    for (String id : spool.ids()) {
      out.add(spool.load(id).orElseThrow());
    }
    return out;
  }

  byte[] bytes(QueuedMessage m) throws IOException {
    try (InputStream in = spool.openMessage(m)) {
      return in.readAllBytes();
    }
  }

  static boolean sevenBit(byte[] b) {
    for (byte x : b) {
      if (x < 0) {
        return false;
      }
    }
    return true;
  }

  /** The text without the fields that differ on every composition. */
  static String stable(byte[] b) {
    return new String(b, StandardCharsets.UTF_8).replaceAll("(?m)^(Message-ID|Date): [^\r\n]*\r\n", "");
  }

  @Test
  void theVacationReplyIsTheOneTheLanguageComposesIn7Bit() throws Exception {
    start("");
    scripts.activate(ALICE, "away", "require \"vacation\";\nvacation :subject \"Abwesend\" \"Bin weg. Grüße\";");
    String m = message("\"Jörg B.\" <" + BOB + ">", "", "hi\r\n");
    // what `sieve test` sees, composed with the environment delivery uses
    SieveFilter.Decision d = sieve.dryRun(ALICE, stored(BOB, m), new SieveEnvelope(BOB, ALICE, null, null));
    SieveAction.Vacation v = d.actions().stream().filter(a -> a instanceof SieveAction.Vacation)
        .map(a -> (SieveAction.Vacation) a).findFirst().orElseThrow();
    OutgoingMessage expected;
    try (DeliveryEnvironment env = new DeliveryEnvironment(ALICE, config.hostname(), null, null, null,
        ZonedDateTime.now()).postmaster(config.queue().postmaster())) {
      expected = VacationReply.compose(v, MimeSieveMessage.parse(stored(BOB, m)),
          new SieveEnvelope(BOB, ALICE, null, null), env);
    }

    deliver("0000000000AAAAAA", m);
    List<QueuedMessage> q = queued();
    assertThat(q).hasSize(1);
    byte[] sent = bytes(q.getFirst());
    assertThat(stable(sent)).isEqualTo(stable(expected.content()));
    assertThat(q.getFirst().envelope().sender()).isEmpty();
    assertThat(q.getFirst().envelope().recipientAddresses()).containsExactly(BOB);
    assertThat(q.getFirst().envelope().body()).isEqualTo("7BIT");
    assertThat(sevenBit(sent)).isTrue();
    assertThat(new String(sent, StandardCharsets.US_ASCII)).contains("Content-Transfer-Encoding: quoted-printable",
        "Bin weg. Gr=C3=BC=C3=9Fe", "To: =?UTF-8?B?", "Auto-Submitted: auto-replied (vacation)");
  }

  @Test
  void aVacationMimeEntityIn8BitIsQueuedAs8BitMime() throws Exception {
    start("");
    scripts.activate(ALICE, "away", "require \"vacation\";\nvacation :mime text:\n"
        + "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nGrüße\n.\n;");
    deliver("0000000000AAAAAA", message(BOB, "", "hi\r\n"));
    List<QueuedMessage> q = queued();
    assertThat(q).hasSize(1);
    // the SMTP client then sends BODY=8BITMIME, or refuses a server without 8BITMIME (SmtpTransaction)
    assertThat(q.getFirst().envelope().body()).isEqualTo("8BITMIME");
    assertThat(sevenBit(bytes(q.getFirst()))).isFalse();
  }

  @Test
  void notificationsAreComposedByTheLanguageAndSentFromTheNullSender() throws Exception {
    start("");
    scripts.activate(ALICE, "main",
        "require \"enotify\"; notify \"mailto:pager@example.net?body=Gr%C3%BC%C3%9Fe&subject=New%20mail\";");
    RecipientStatus st = deliver("0000000000AAAAAA", message(BOB, "", "hi\r\n"));
    assertThat(((RecipientStatus.Delivered) st).detail()).contains("notification to pager@example.net");
    List<QueuedMessage> q = queued();
    assertThat(q).hasSize(1);
    assertThat(q.getFirst().envelope().sender()).isEmpty();
    assertThat(q.getFirst().envelope().recipientAddresses()).containsExactly("pager@example.net");
    assertThat(q.getFirst().envelope().body()).isEqualTo("7BIT");
    byte[] sent = bytes(q.getFirst());
    assertThat(sevenBit(sent)).isTrue();
    assertThat(new String(sent, StandardCharsets.US_ASCII)).contains("X-Sieve: Postamt Sieve", "From: <" + ALICE + ">",
        "Subject: New mail", "Auto-Submitted: auto-notified; owner-email=\"" + ALICE + "\"", "Gr=C3=BC=C3=9Fe");

    RecipientStatus auto = deliver("0000000000BBBBBB", message(BOB, "Auto-Submitted: auto-replied\r\n", "hi\r\n"));
    assertThat(((RecipientStatus.Delivered) auto).detail()).contains("no notification about auto-submitted mail");
    assertThat(queued()).hasSize(1);
  }

  @Test
  void aMessageTheUserRedirectedBeforeIsNotRedirectedAgainButKept() throws Exception {
    start("");
    scripts.activate(ALICE, "main", "redirect \"carol@example.net\";");
    deliver("0000000000AAAAAA", message(BOB, "X-Sieve-Redirected-From: " + ALICE + "\r\n", "hi\r\n"));
    assertThat(queued()).isEmpty();
    assertThat(scripts.lastError(ALICE)).get().satisfies(e -> assertThat(e.message()).contains("would loop"));
    try (var a = store.open(ALICE)) {
      assertThat(a.snapshot(a.mailbox("INBOX").orElseThrow().id()).messages()).hasSize(1);
    }
  }

  @Test
  void thePostmasterSettingIsQueuePostmasterQualifiedWithTheHostname() throws Exception {
    try (DeliveryEnvironment env = new DeliveryEnvironment(ALICE, "mx.example.test", null, null, null,
        ZonedDateTime.now()).postmaster("postmaster")) {
      assertThat(env.setting("postmaster_address")).contains("postmaster@mx.example.test");
    }
    try (DeliveryEnvironment env = new DeliveryEnvironment(ALICE, "mx.example.test", null, null, null,
        ZonedDateTime.now()).postmaster("hostmaster@example.test")) {
      assertThat(env.setting("postmaster_address")).contains("hostmaster@example.test");
    }
  }

  @Test
  void theSigningDomainIsTheFromFieldsDomain() {
    assertThat(Outbox.fromDomain("Subject: x\r\nFrom: \"Doe, J.\"\r\n <J@Example.TEST>\r\n\r\nFrom: a@b.c\r\n"
        .getBytes(StandardCharsets.US_ASCII))).isEqualTo("example.test");
    assertThat(Outbox.fromDomain("From: <>\r\n\r\n".getBytes(StandardCharsets.US_ASCII))).isEmpty();
    assertThat(Outbox.fromDomain("Subject: x\r\n\r\nFrom: a@b.c\r\n".getBytes(StandardCharsets.US_ASCII))).isEmpty();
  }
}
