package dev.postamt.mda;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Config;
import dev.postamt.queue.DurableSpool;
import dev.postamt.queue.QueuedMessage;
import dev.postamt.queue.RecipientStatus;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import dev.postamt.store.SqliteMailStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sieve at delivery over a real SQLite mail store and a real spool, in a temporary data directory. */
class SieveDeliveryTest {
  static final String ALICE = "alice@example.test";
  static final String BOB = "bob@example.org";

  @TempDir Path dir;
  Config config;
  SqliteMailStore store;
  DurableSpool spool;
  final List<String> submitted = new ArrayList<>();
  final MemorySieveScripts scripts = new MemorySieveScripts();
  SieveDelivery sieve;

  void start(String toml) throws Exception {
    Path file = dir.resolve("postamt.toml");
    Files.writeString(file, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n" + toml);
    config = Config.load(file, true);
    store = new SqliteMailStore(config.dataDir());
    startWith(store);
  }

  void startWith(MailStore s) throws Exception {
    spool = new DurableSpool(config.dataDir().resolve("queue"));
    Outbox outbox = new Outbox(config, spool, sender -> "SRS0=x=" + sender);
    outbox.submitTo(submitted::add);
    sieve = new SieveDelivery(config, s, scripts, outbox);
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

  RecipientStatus deliver(String queueId, String sender, String message, boolean retry) {
    byte[] all = ("Return-Path: <" + sender + ">\r\nDelivered-To: " + ALICE + "\r\n" + message)
        .getBytes(StandardCharsets.UTF_8);
    MailStore.DeliveryId id = new MailStore.DeliveryId(1_700_000_000L, "Q" + queueId + "R0", "mx.example.test");
    return sieve.deliver(new SieveDelivery.Request(queueId, 0, ALICE, new SieveEnvelope(sender, ALICE, null, null),
        "8BITMIME", all, SieveDelivery.returnPathLength(all), id, retry));
  }

  RecipientStatus deliver(String message) {
    return deliver("0000000000ABCDEF", BOB, message, false);
  }

  List<MessageRecord> messages(String mailbox) {
    try (Account a = store.open(ALICE)) {
      Optional<MailboxInfo> m = a.mailbox(mailbox);
      return m.isEmpty() ? List.of() : a.snapshot(m.get().id()).messages();
    }
  }

  String content(String mailbox, int i) throws IOException {
    try (Account a = store.open(ALICE)) {
      MailboxInfo m = a.mailbox(mailbox).orElseThrow();
      MessageRecord r = a.snapshot(m.id()).messages().get(i);
      try (MessageContent c = a.open(m, r).orElseThrow()) {
        return new String(c.readAllBytes(), StandardCharsets.UTF_8);
      }
    }
  }

  List<QueuedMessage> queued() throws IOException {
    List<QueuedMessage> out = new ArrayList<>();
    for (String id : spool.ids()) {
      out.add(spool.load(id).orElseThrow());
    }
    return out;
  }

  String text(QueuedMessage m) throws IOException {
    try (InputStream in = spool.openMessage(m)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void withoutAScriptMailGoesToTheInboxAndSpamToJunk() throws Exception {
    start("");
    assertThat(deliver(message(BOB, "", "hi\r\n"))).isInstanceOf(RecipientStatus.Delivered.class);
    assertThat(deliver("0000000000ABCDEG", BOB, message(BOB, "X-Spam-Status: Yes, score=9.1\r\n", "buy\r\n"), false))
        .isInstanceOf(RecipientStatus.Delivered.class);
    assertThat(messages("INBOX")).hasSize(1);
    assertThat(messages("Junk")).hasSize(1);
  }

  /** Sieve's :detail splits the envelope recipient with the delimiter routing uses (delivery.recipient_delimiter). */
  @Test
  void theDetailFollowsTheConfiguredRecipientDelimiter() throws Exception {
    start("[delivery]\nrecipient_delimiter = \"-\"\n");
    scripts.activate(ALICE, "main", """
        require ["fileinto", "mailbox", "envelope", "subaddress"];
        if envelope :detail "to" "lists" { fileinto :create "Lists"; }
        """);
    byte[] all = ("Return-Path: <" + BOB + ">\r\nDelivered-To: " + ALICE + "\r\n" + message(BOB, "", "hi\r\n"))
        .getBytes(StandardCharsets.UTF_8);
    MailStore.DeliveryId id = new MailStore.DeliveryId(1_700_000_000L, "QDETAILR0", "mx.example.test");
    RecipientStatus st = sieve.deliver(new SieveDelivery.Request("00000000000DETAIL", 0, ALICE,
        new SieveEnvelope(BOB, "alice-lists@example.test", null, null), "8BITMIME", all,
        SieveDelivery.returnPathLength(all), id, false));
    assertThat(st).isInstanceOf(RecipientStatus.Delivered.class);
    assertThat(messages("Lists")).hasSize(1);
  }

  /** virustest reads the X-Virus-Status our scan wrote, and only while scanning is on (else it may be forged). */
  @Test
  void virustestReadsTheScanVerdictOnlyWhenScanningIsOn() throws Exception {
    String script = """
        require ["fileinto", "mailbox", "virustest", "relational", "comparator-i;ascii-numeric"];
        if virustest :value "eq" :comparator "i;ascii-numeric" "1" { fileinto :create "Clean"; }
        elsif virustest :value "eq" :comparator "i;ascii-numeric" "5" { fileinto :create "Infected"; }
        """;
    start("[antivirus]\nclamd = \"unix:/run/clamav/clamd.ctl\"\n");
    scripts.activate(ALICE, "main", script);
    deliver(message(BOB, "X-Virus-Status: clean\r\n", "hi\r\n"));
    deliver("0000000000ABCDEG", BOB, message(BOB, "X-Virus-Status: infected; virus=Eicar\r\n", "x\r\n"), false);
    assertThat(messages("Clean")).hasSize(1);
    assertThat(messages("Infected")).hasSize(1);
    close();
    Files.delete(dir.resolve("postamt.toml"));
    start("");
    scripts.activate(ALICE, "main", script);
    deliver("0000000000ABCDEH", BOB, message(BOB, "X-Virus-Status: clean\r\n", "forged\r\n"), false);
    assertThat(messages("Clean")).hasSize(1); // unchanged: without scanning the field is not believed
    assertThat(messages("INBOX")).hasSize(1);
  }

  /**
   * RFC 5235 spamtest/spamtestplus read the X-Spam-Score our scan wrote, scaled so that add_header (5.0)
   * is spamtest 5 and 50%, reject (20.0) is 10 and 100%; only while scanning is on (else it may be forged).
   */
  @Test
  void spamtestReadsTheScoreScaledByTheThresholdsOnlyWhenScanningIsOn() throws Exception {
    String script = """
        require ["fileinto", "mailbox", "spamtestplus", "relational", "comparator-i;ascii-numeric", "variables"];
        if spamtest :value "eq" :comparator "i;ascii-numeric" "0" { fileinto :create "Untested"; stop; }
        if spamtest :value "ge" :comparator "i;ascii-numeric" "10" { fileinto :create "Certain"; stop; }
        if spamtest :percent :value "ge" :comparator "i;ascii-numeric" "50" { fileinto :create "Spam"; stop; }
        if spamtest :value "ge" :comparator "i;ascii-numeric" "5" { fileinto :create "Inconsistent"; stop; }
        if spamtest :value "eq" :comparator "i;ascii-numeric" "1" { fileinto :create "Clean"; stop; }
        fileinto :create "Grey";
        """;
    start("");
    scripts.activate(ALICE, "main", script);
    String[][] cases = {{"-2.0", "Clean"}, {"0.0", "Clean"}, {"4.9", "Grey"}, {"5.0", "Spam"}, {"19.9", "Spam"},
        {"20.0", "Certain"}, {"55.0", "Certain"}, {"junk", "Untested"}};
    int n = 0;
    for (String[] c : cases) {
      deliver("00000000000SPAM" + (char) ('A' + n++), BOB, message(BOB, "X-Spam-Score: " + c[0] + "\r\n", "x\r\n"), false);
    }
    assertThat(messages("Clean")).hasSize(2);
    assertThat(messages("Grey")).hasSize(1);
    assertThat(messages("Spam")).hasSize(2);
    assertThat(messages("Certain")).hasSize(2);
    assertThat(messages("Untested")).hasSize(1);
    assertThat(messages("Inconsistent")).isEmpty();
    close();
    Files.delete(dir.resolve("postamt.toml"));
    start("[spam]\nenabled = false\n");
    scripts.activate(ALICE, "main", script);
    deliver("0000000000SPAMZ", BOB, message(BOB, "X-Spam-Score: 30.0\r\n", "forged\r\n"), false);
    assertThat(messages("Untested")).hasSize(2);
  }

  @Test
  void theDefaultScriptFilesTheSpamFlagIntoJunk() throws Exception {
    start("");
    deliver(message(BOB, "X-Spam-Flag: YES\r\nX-Spam-Status: No, tagged by an older filter\r\n", "buy\r\n"));
    assertThat(messages("Junk")).hasSize(1);
    assertThat(messages("INBOX")).isEmpty();
  }

  @Test
  void fileintoCreatesTheFolderAndTheFlagsLandInTheStore() throws Exception {
    start("");
    scripts.activate(ALICE, "main", """
        require ["fileinto", "mailbox", "imap4flags"];
        if header :contains "subject" "hello" {
          addflag "\\\\Flagged";
          fileinto :create :flags ["$Work", "\\\\Seen"] "Lists/Work";
        }
        """);
    RecipientStatus st = deliver(message(BOB, "", "hi\r\n"));
    assertThat(st).isInstanceOf(RecipientStatus.Delivered.class);
    assertThat(((RecipientStatus.Delivered) st).detail()).contains("Lists/Work");
    assertThat(messages("INBOX")).isEmpty();
    List<MessageRecord> work = messages("Lists/Work");
    assertThat(work).hasSize(1);
    assertThat(work.getFirst().flags()).contains("\\Seen", "$Work").doesNotContain("\\Flagged");
    assertThat(content("Lists/Work", 0)).contains("Subject: Hello");
  }

  @Test
  void keepWithFlagsAndAMissingFolderWithoutCreateKeepAndRecordTheError() throws Exception {
    start("");
    scripts.activate(ALICE, "main", """
        require ["fileinto", "imap4flags"];
        setflag "\\\\Flagged";
        fileinto "Nowhere";
        """);
    assertThat(deliver(message(BOB, "", "hi\r\n"))).isInstanceOf(RecipientStatus.Delivered.class);
    assertThat(messages("INBOX")).hasSize(1);
    assertThat(messages("Nowhere")).isEmpty();
    assertThat(scripts.lastError(ALICE)).get().satisfies(e -> {
      assertThat(e.script()).isEqualTo("main");
      assertThat(e.message()).contains("Nowhere").contains("does not exist");
    });
  }

  @Test
  void aScriptThatDoesNotCompileKeepsAndTheErrorNamesTheLine() throws Exception {
    start("");
    scripts.activate(ALICE, "broken", "require \"fileinto\";\n\nfileinto \"a\"\nkeep;\n");
    assertThat(deliver(message(BOB, "", "hi\r\n"))).isInstanceOf(RecipientStatus.Delivered.class);
    assertThat(messages("INBOX")).hasSize(1);
    assertThat(scripts.lastError(ALICE)).get().satisfies(e -> {
      assertThat(e.script()).isEqualTo("broken");
      assertThat(e.message()).startsWith("line 3: ");
    });
  }

  @Test
  void tooManyRedirectsIsARunTimeErrorAndKeeps() throws Exception {
    start("[sieve]\nmax_redirects = 2\n");
    scripts.activate(ALICE, "fwd", """
        redirect "a@example.net"; redirect "b@example.net"; redirect "c@example.net";
        """);
    assertThat(deliver(message(BOB, "", "hi\r\n"))).isInstanceOf(RecipientStatus.Delivered.class);
    assertThat(messages("INBOX")).hasSize(1);
    assertThat(queued()).isEmpty();
    assertThat(scripts.lastError(ALICE)).get().satisfies(e -> assertThat(e.message()).contains("redirect"));
  }

  @Test
  void discardStoresNothing() throws Exception {
    start("");
    scripts.activate(ALICE, "main", "discard;");
    RecipientStatus st = deliver(message(BOB, "", "hi\r\n"));
    assertThat(((RecipientStatus.Delivered) st).detail()).contains("discarded");
    assertThat(messages("INBOX")).isEmpty();
  }

  @Test
  void redirectQueuesACopyWithTheRewrittenSenderOnceOnRetry() throws Exception {
    start("");
    scripts.activate(ALICE, "main", "require \"copy\"; redirect :copy \"carol@example.net\";");
    String m = message(BOB, "", "hi\r\n");
    deliver("0000000000ABCDEF", BOB, m, false);
    deliver("0000000000ABCDEF", BOB, m, true); // a retry after a crash
    assertThat(messages("INBOX")).hasSize(1);
    List<QueuedMessage> q = queued();
    assertThat(q).hasSize(1);
    assertThat(q.getFirst().envelope().sender()).isEqualTo("SRS0=x=" + BOB);
    assertThat(q.getFirst().envelope().recipientAddresses()).containsExactly("carol@example.net");
    // as the language composes it (Redirects.compose): marked with the user, without Return-Path
    assertThat(text(q.getFirst())).startsWith("X-Sieve-Redirected-From: " + ALICE + "\r\nDelivered-To: " + ALICE + "\r\n")
        .doesNotContain("Return-Path");
    assertThat(submitted).containsExactly(q.getFirst().id());
  }

  @Test
  void redirectToAnAddressTheMessageWasDeliveredToBeforeIsALoopAndKeeps() throws Exception {
    start("");
    scripts.activate(ALICE, "main", "redirect \"carol@example.net\";");
    assertThat(deliver(message(BOB, "Delivered-To: carol@example.net\r\n", "hi\r\n")))
        .isInstanceOf(RecipientStatus.Delivered.class);
    assertThat(queued()).isEmpty();
    assertThat(messages("INBOX")).hasSize(1);
  }

  @Test
  void vacationAnswersOncePerSender() throws Exception {
    start("");
    scripts.activate(ALICE, "away", """
        require "vacation";
        vacation :days 7 "I am away until Monday.";
        """);
    deliver("0000000000AAAAAA", BOB, message(BOB, "", "one\r\n"), false);
    deliver("0000000000BBBBBB", BOB, message(BOB, "", "two\r\n"), false);
    assertThat(messages("INBOX")).hasSize(2);
    List<QueuedMessage> q = queued();
    assertThat(q).hasSize(1);
    assertThat(q.getFirst().envelope().sender()).isEmpty();
    assertThat(q.getFirst().envelope().recipientAddresses()).containsExactly(BOB);
    assertThat(text(q.getFirst())).contains("Auto-Submitted: auto-replied", "In-Reply-To: <m1@example.org>",
        "References: <m1@example.org>", "Subject: Auto: Hello", "I am away until Monday.", "From: " + ALICE);
    // another sender still gets one
    deliver("0000000000CCCCCC", "dave@example.org", message("dave@example.org", "", "three\r\n"), false);
    assertThat(queued()).hasSize(2);
  }

  @Test
  void rejectSendsANoticeToTheSenderButNeverToTheNullSender() throws Exception {
    start("");
    scripts.activate(ALICE, "main", "require \"reject\"; reject \"Not wanted here.\";");
    deliver(message(BOB, "", "hi\r\n"));
    deliver("0000000000ABCDEG", "", message(BOB, "", "bounce\r\n"), false);
    assertThat(messages("INBOX")).isEmpty();
    List<QueuedMessage> q = queued();
    assertThat(q).hasSize(1);
    assertThat(q.getFirst().envelope().sender()).isEmpty();
    assertThat(q.getFirst().envelope().recipientAddresses()).containsExactly(BOB);
    assertThat(text(q.getFirst())).contains("report-type=disposition-notification", "Not wanted here.",
        "Disposition: automatic-action/MDN-sent-automatically; deleted");
  }

  @Test
  void notifySendsAShortAutoNotifiedMessage() throws Exception {
    start("");
    scripts.activate(ALICE, "main", "require \"enotify\"; notify :message \"mail from bob\" \"mailto:pager@example.net\";");
    deliver(message(BOB, "", "hi\r\n"));
    assertThat(messages("INBOX")).hasSize(1);
    List<QueuedMessage> q = queued();
    assertThat(q).hasSize(1);
    assertThat(q.getFirst().envelope().recipientAddresses()).containsExactly("pager@example.net");
    assertThat(text(q.getFirst())).contains("Auto-Submitted: auto-notified", "mail from bob");
  }

  @Test
  void headerEditsGoIntoTheStoredCopyAndTheOtherFieldsKeepTheirBytes() throws Exception {
    start("");
    scripts.activate(ALICE, "main", """
        require "editheader";
        addheader "X-Filed" "by sieve";
        deleteheader "X-Junk";
        """);
    deliver(message(BOB, "X-Junk: a\r\nX-Folded: one\r\n two\r\n", "body\r\n"));
    String stored = content("INBOX", 0);
    assertThat(stored).startsWith("X-Filed: by sieve\r\nReturn-Path: <" + BOB + ">\r\n")
        .contains("X-Folded: one\r\n two\r\n").doesNotContain("X-Junk").endsWith("\r\n\r\nbody\r\n");
  }

  @Test
  void beforeAndAfterScriptsRunAroundTheUsersOnlyWhileTheKeepStands() throws Exception {
    Path before = dir.resolve("before.sieve");
    Path after = dir.resolve("after.sieve");
    Files.writeString(before, """
        require ["editheader", "fileinto"];
        if header :is "subject" "stop-here" { fileinto "Archive"; }
        addheader "X-Before" "yes";
        """);
    Files.writeString(after, "require \"fileinto\"; fileinto \"Drafts\";");
    start("[sieve]\nbefore = \"before.sieve\"\nafter = [\"after.sieve\"]\n");
    scripts.activate(ALICE, "main", """
        require ["fileinto", "copy"];
        if header :is "x-before" "yes" { fileinto :copy "Trash"; }
        """);
    deliver(message(BOB, "", "hi\r\n"));
    assertThat(messages("Trash")).hasSize(1); // the user's script saw the before script's header
    assertThat(messages("Drafts")).hasSize(1); // the user's script kept, so the after script ran
    assertThat(messages("INBOX")).isEmpty();
    assertThat(content("Drafts", 0)).startsWith("X-Before: yes\r\n");

    deliver("0000000000ABCDEG", BOB, message(BOB, "", "hi\r\n").replace("Subject: Hello", "Subject: stop-here"), false);
    assertThat(messages("Archive")).hasSize(1); // filed by the before script: nothing else ran
    assertThat(messages("Trash")).hasSize(1);
    assertThat(messages("Drafts")).hasSize(1);
  }

  @Test
  void duplicateIsRecordedOnlyOnceDeliverySucceeded() throws Exception {
    start("");
    scripts.activate(ALICE, "main", "require \"duplicate\"; if duplicate { discard; }");
    deliver("0000000000AAAAAA", BOB, message(BOB, "", "one\r\n"), false);
    deliver("0000000000BBBBBB", BOB, message(BOB, "", "again\r\n"), false);
    assertThat(messages("INBOX")).hasSize(1);
  }

  @Test
  void aStoreFailureIsATemporaryFailureAndTheRetryStoresOnce() throws Exception {
    start("");
    store.close();
    SqliteMailStore real = new SqliteMailStore(config.dataDir());
    MailStore failing = (MailStore) java.lang.reflect.Proxy.newProxyInstance(MailStore.class.getClassLoader(),
        new Class<?>[] {MailStore.class}, (p, method, args) -> {
          if (method.getName().equals("deliver") && args.length == 6) {
            throw new IOException("disk on fire");
          }
          try {
            return method.invoke(real, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    store = real;
    sieve.close();
    startWith(failing);
    scripts.activate(ALICE, "main", "require [\"fileinto\", \"copy\"]; fileinto :copy \"Archive\";");
    RecipientStatus st = deliver(message(BOB, "", "hi\r\n"));
    assertThat(st).isInstanceOf(RecipientStatus.TempFail.class);
    assertThat(((RecipientStatus.TempFail) st).reason()).startsWith("4.");

    sieve.close();
    startWith(real);
    assertThat(deliver("0000000000ABCDEF", BOB, message(BOB, "", "hi\r\n"), true))
        .isInstanceOf(RecipientStatus.Delivered.class);
    assertThat(messages("Archive")).hasSize(1);
    assertThat(messages("INBOX")).hasSize(1);
  }

  @Test
  void aBugOutsideTheScriptStillKeepsTheMessageInTheInbox() throws Exception {
    start("");
    SqliteMailStore real = store;
    MailStore buggy = (MailStore) java.lang.reflect.Proxy.newProxyInstance(MailStore.class.getClassLoader(),
        new Class<?>[] {MailStore.class}, (p, method, args) -> {
          if (method.getName().equals("mailboxExists")) {
            throw new IllegalStateException("a bug");
          }
          try {
            return method.invoke(real, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
    sieve.close();
    startWith(buggy);
    scripts.activate(ALICE, "main", "require \"fileinto\"; fileinto \"Work\";");
    RecipientStatus st = deliver(message(BOB, "", "hi\r\n"));
    assertThat(st).isInstanceOf(RecipientStatus.Delivered.class);
    assertThat(((RecipientStatus.Delivered) st).detail()).contains("Sieve failed");
    assertThat(messages("INBOX")).hasSize(1);
  }

  @Test
  void repliesAreDkimSignedWithTheKeyOfTheirFromDomain() throws Exception {
    start("");
    dev.postamt.mailauth.dkim.DkimKeys.generate(config.dataDir(), "example.test", "s1", "ed25519");
    scripts.activate(ALICE, "away", "require \"vacation\"; vacation \"Away.\";");
    deliver(message(BOB, "", "hi\r\n"));
    List<QueuedMessage> q = queued();
    assertThat(q).hasSize(1);
    assertThat(q.getFirst().headers()).startsWith("DKIM-Signature:").contains("d=example.test").contains("s=s1");
  }

  @Test
  void theTrailNamesAnImplicitKeepOnceAndAnExplicitOneAsSuch() {
    var keep = new dev.postamt.sieve.SieveAction.Keep(List.of());
    assertThat(SieveDelivery.actionWords(new SieveFilter.Decision(List.of(keep), List.of(), null, List.of(), true)))
        .isEqualTo("keep (implicit)");
    assertThat(SieveDelivery.actionWords(new SieveFilter.Decision(List.of(keep), List.of(), null, List.of(), false)))
        .isEqualTo("keep");
  }
}
