package dev.postamt.sieve.ext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.postamt.sieve.Interpreter;
import dev.postamt.sieve.MimeSieveMessage;
import dev.postamt.sieve.OutgoingMessage;
import dev.postamt.sieve.SieveAction;
import dev.postamt.sieve.SieveEnvelope;
import dev.postamt.sieve.SieveEnvironment;
import dev.postamt.sieve.SieveResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The mail the language composes for vacation, mailto notifications and redirects. */
class OutgoingMailTest {
  static final String MESSAGE = "Return-Path: <alice@example.com>\r\nFrom: \"Alice A.\" <alice@example.com>\r\n"
      + "To: user@example.net\r\nSubject: Lunch?\r\nMessage-ID: <m1@example.com>\r\n"
      + "References: <m0@example.com>\r\n\r\nAre you in?\r\n";
  static final SieveEnvelope ENVELOPE = new SieveEnvelope("alice@example.com", "user@example.net", null, null);

  static SieveEnvironment settings(Map<String, String> s) {
    return new SieveEnvironment() {
      @Override
      public Optional<String> setting(String name) {
        return Optional.ofNullable(s.get(name));
      }
    };
  }

  static SieveResult run(String script, String message, SieveEnvironment env) throws Exception {
    return Interpreter.run(Extensions.standardCompiler().compile("t", script),
        MimeSieveMessage.parse(message.getBytes(StandardCharsets.UTF_8)), ENVELOPE, env);
  }

  static String text(OutgoingMessage m) {
    return new String(m.content(), StandardCharsets.UTF_8);
  }

  @Test
  void vacationReplyIsThreadedAutoRepliedAndFromTheNullSender() throws Exception {
    SieveResult r = run("require \"vacation\"; vacation \"Back on Monday.\";", MESSAGE, SieveEnvironment.DEFAULT);
    SieveAction.Vacation v = (SieveAction.Vacation) r.actions().stream()
        .filter(a -> a instanceof SieveAction.Vacation).findFirst().orElseThrow();
    assertTrue(v.due(), "reply due: " + v.suppressed());
    OutgoingMessage out = VacationReply.compose(v, MimeSieveMessage.parse(MESSAGE.getBytes(StandardCharsets.UTF_8)),
        ENVELOPE, SieveEnvironment.DEFAULT);
    String t = text(out);
    assertEquals("", out.envelopeFrom());
    assertEquals(List.of("alice@example.com"), out.envelopeTo());
    assertTrue(t.contains("\r\nTo: \"Alice A.\" <alice@example.com>\r\n"), t);
    assertTrue(t.contains("\r\nFrom: user@example.net\r\n"), t);
    assertTrue(t.contains("\r\nSubject: Auto: Lunch?\r\n"), t);
    assertTrue(t.contains("\r\nIn-Reply-To: <m1@example.com>\r\n"), t);
    assertTrue(t.contains("\r\nReferences: <m0@example.com> <m1@example.com>\r\n"), t);
    assertTrue(t.contains("\r\nAuto-Submitted: auto-replied (vacation)\r\n"), t);
    assertTrue(t.endsWith("\r\n\r\nBack on Monday.\r\n"), t);
  }

  @Test
  void vacationSubjectIsCutWithAnEllipsisAndEncoded() {
    String cut = VacationReply.limit("é".repeat(300));
    assertEquals(256, cut.codePointCount(0, cut.length()));
    assertTrue(cut.endsWith("\u2026"));
    assertTrue(VacationReply.encodeWords("Grüße").startsWith("=?UTF-8?B?"));
    assertEquals("plain", VacationReply.encodeWords("plain"));
  }

  @Test
  void mailtoIgnoresReservedHeadersAndNotifiesEachRecipientOnce() throws Exception {
    SieveResult r = run("require \"enotify\";\n"
        + "notify \"mailto:a@example.org?cc=b@example.org&from=evil@example.org&subject=New%20mail\";\n"
        + "notify \"mailto:b@example.org%2cc@example.org\";", MESSAGE, SieveEnvironment.DEFAULT);
    List<OutgoingMessage> out = Mailto.notifications(r.actions(),
        MimeSieveMessage.parse(MESSAGE.getBytes(StandardCharsets.UTF_8)), ENVELOPE, SieveEnvironment.DEFAULT);
    assertEquals(2, out.size());
    assertEquals(List.of("a@example.org", "b@example.org"), out.get(0).envelopeTo());
    assertEquals(List.of("c@example.org"), out.get(1).envelopeTo());
    String first = text(out.get(0));
    assertFalse(first.contains("evil@example.org"), first);
    assertTrue(first.contains("\r\nSubject: New mail\r\n"), first);
    assertTrue(first.contains("\r\nAuto-Submitted: auto-notified; owner-email=\"user@example.net\"\r\n"), first);
  }

  @Test
  void noNotificationAboutAutomaticMail() throws Exception {
    String auto = "Auto-Submitted: auto-replied\r\n" + MESSAGE;
    SieveResult r = run("require \"enotify\"; notify \"mailto:a@example.org\";", auto, SieveEnvironment.DEFAULT);
    assertTrue(Mailto.notifications(r.actions(), MimeSieveMessage.parse(auto.getBytes(StandardCharsets.UTF_8)),
        ENVELOPE, SieveEnvironment.DEFAULT).isEmpty());
  }

  @Test
  void redirectMarksTheCopyAndStopsLoops() {
    byte[] raw = MESSAGE.getBytes(StandardCharsets.UTF_8);
    SieveAction.Redirect r = new SieveAction.Redirect("bob@example.org", false);
    OutgoingMessage out = Redirects.compose(r, raw, MimeSieveMessage.parse(raw), ENVELOPE, SieveEnvironment.DEFAULT)
        .orElseThrow();
    String t = text(out);
    assertTrue(t.startsWith("X-Sieve-Redirected-From: user@example.net\r\n"), t);
    assertFalse(t.contains("Return-Path"), t);
    assertEquals("alice@example.com", out.envelopeFrom());
    byte[] looped = ("X-Sieve-Redirected-From: user@example.net\r\n" + MESSAGE).getBytes(StandardCharsets.UTF_8);
    assertTrue(Redirects.compose(r, looped, MimeSieveMessage.parse(looped), ENVELOPE, SieveEnvironment.DEFAULT).isEmpty());
  }

  @Test
  void redirectKeepsTheNullSenderWhateverTheSetting() {
    SieveEnvironment env = settings(Map.of("sieve_redirect_envelope_from", "recipient"));
    assertEquals("user@example.net", Redirects.envelopeSender(ENVELOPE, env));
    assertEquals("", Redirects.envelopeSender(new SieveEnvelope("", "user@example.net", null, null), env));
  }
  @Test
  void nonAsciiTextIsSentQuotedPrintableSoTheMessageIs7Bit() throws Exception {
    String message = MESSAGE.replace("\"Alice A.\"", "\"Alíce Ä.\"");
    SieveResult r = run("require \"vacation\"; vacation \"Zurück am Montag.\";", message, SieveEnvironment.DEFAULT);
    SieveAction.Vacation v = (SieveAction.Vacation) r.actions().stream()
        .filter(a -> a instanceof SieveAction.Vacation).findFirst().orElseThrow();
    OutgoingMessage out = VacationReply.compose(v, MimeSieveMessage.parse(message.getBytes(StandardCharsets.UTF_8)),
        ENVELOPE, SieveEnvironment.DEFAULT);
    for (byte b : out.content()) {
      assertTrue(b >= 0, "7-bit: " + text(out));
    }
    String t = text(out);
    assertTrue(t.contains("\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable"
        + "\r\n\r\nZur=C3=BCck am Montag.\r\n"), t);
    assertTrue(t.contains("\r\nTo: =?UTF-8?B?"), t);
    // the header test decodes it back, as the Pigeonhole suite reads the reply
    MimeSieveMessage reply = MimeSieveMessage.parse(out.content());
    assertEquals("Alíce Ä. <alice@example.com>", dev.postamt.mime.HeaderText.decode(reply.headerValues("to").get(0)));
  }

  @Test
  void quotedPrintableKeepsLinesShortAndDecodesBack() throws Exception {
    String text = "é".repeat(40) + " = x \t\r\n" + "a".repeat(100) + "\r\nend ";
    String qp = VacationReply.quotedPrintable(text);
    for (String line : qp.split("\r\n")) {
      assertTrue(line.length() <= 76, line);
      assertFalse(line.endsWith(" ") || line.endsWith("\t"), line);
    }
    assertTrue(qp.chars().allMatch(c -> c < 0x80));
    assertTrue(qp.contains("=3D"), qp);
    byte[] back = dev.postamt.mime.TransferDecoding.decode(
        new java.io.ByteArrayInputStream(qp.getBytes(StandardCharsets.US_ASCII)), "quoted-printable").readAllBytes();
    assertEquals(text, new String(back, StandardCharsets.UTF_8));
  }
  @Test
  void rejectionNoticeIsAnMdnFromThePostmasterQuotingTheHeaderAndNeverToTheNullSender() throws Exception {
    byte[] raw = MESSAGE.getBytes(StandardCharsets.UTF_8);
    SieveEnvironment env = settings(Map.of("postmaster_address", "pm@example.net"));
    OutgoingMessage out = RejectNotice.compose("Nicht erwünscht.", raw, MimeSieveMessage.parse(raw), ENVELOPE, env)
        .orElseThrow();
    assertEquals("", out.envelopeFrom());
    assertEquals(List.of("alice@example.com"), out.envelopeTo());
    String t = text(out);
    assertTrue(t.contains("\r\nFrom: Postmaster <pm@example.net>\r\n"), t);
    assertTrue(t.contains("\r\nSubject: Automatically rejected mail: Lunch?\r\n"), t);
    assertTrue(t.contains("\r\nAuto-Submitted: auto-replied (rejected)\r\n"), t);
    assertTrue(t.contains("report-type=disposition-notification"), t);
    assertTrue(t.contains("Nicht erw=C3=BCnscht."), t);
    assertTrue(t.contains("\r\nFinal-Recipient: rfc822; user@example.net\r\n"), t);
    assertTrue(t.contains("\r\nDisposition: automatic-action/MDN-sent-automatically; deleted\r\n"), t);
    assertTrue(t.contains("Content-Type: text/rfc822-headers\r\n\r\nFrom: \"Alice A.\" <alice@example.com>\r\n"), t);
    assertFalse(t.contains("Return-Path") || t.contains("Are you in?"), t);
    MimeSieveMessage parsed = MimeSieveMessage.parse(out.content());
    assertEquals(List.of("auto-replied (rejected)"), parsed.headerValues("auto-submitted"));
    assertTrue(RejectNotice.compose("x", raw, MimeSieveMessage.parse(raw),
        new SieveEnvelope("", "user@example.net", null, null), env).isEmpty());
  }
}
