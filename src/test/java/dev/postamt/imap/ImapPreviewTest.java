package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FETCH PREVIEW (RFC 8970) over the wire, the text picked and reduced by {@link Preview}. */
class ImapPreviewTest {
  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.login("alice");
  }

  void append(String msg) throws Exception {
    byte[] b = msg.getBytes(StandardCharsets.UTF_8);
    c.send("ap APPEND INBOX {" + b.length + "+}");
    c.sendRaw(b);
    c.send("");
    c.until("ap");
  }

  /** RFC 8970 §4 example: PREVIEW and PREVIEW (LAZY) give the same text here. */
  @Test
  void plainTextWithWhiteSpaceCollapsed() throws Exception {
    append("Subject: x\r\n\r\n  Preview\r\n\r\n\ttext!  \r\n");
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a FETCH 1 (PREVIEW)", "* 1 FETCH (PREVIEW \"Preview text!\")", "a OK *");
    c.runExactly("b FETCH 1 (PREVIEW (LAZY))", "* 1 FETCH (PREVIEW \"Preview text!\")", "b OK *");
    c.runExactly("c UID FETCH 1 (FLAGS PREVIEW (LAZY LAZY) UID)",
        "* 1 FETCH (FLAGS (\\Recent) PREVIEW \"Preview text!\" UID 1)", "c OK *");
    c.run("d FETCH 1 PREVIEW (CHANGEDSINCE 1)", "* 1 FETCH (PREVIEW \"Preview text!\" MODSEQ (*))", "d OK *");
    c.runExactly("e FETCH 1 (PREVIEW (EAGER))", "e BAD *");
    c.runExactly("f FETCH 1 (PREVIEW (LAZY)", "f BAD *");
    // PREVIEW is not BODY[]: the message stays unseen
    c.runExactly("g FETCH 1 (FLAGS)", "* 1 FETCH (FLAGS (\\Recent))", "g OK *");
  }

  @Test
  void htmlIsReducedToTextAndPlainIsPreferredInAlternatives() throws Exception {
    append("Content-Type: text/html\r\n\r\n<html><head><style>p{}</style></head><body><p>Hello <b>world</b></p>"
        + "<p>&amp; more</p></body></html>\r\n");
    append("Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n"
        + "--b\r\nContent-Type: text/plain\r\n\r\nplain\r\n--b--\r\n");
    append("Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\nContent-Type: text/plain\r\n"
        + "Content-Disposition: attachment; filename=a.txt\r\n\r\nattached\r\n--m\r\nContent-Type: image/png\r\n\r\nxx\r\n--m--\r\n");
    c.run("s SELECT INBOX", "s OK *");
    c.runExactly("a FETCH 1:3 PREVIEW",
        "* 1 FETCH (PREVIEW \"Hello world & more\")", "* 2 FETCH (PREVIEW \"plain\")", "* 3 FETCH (PREVIEW \"\")", "a OK *");
  }

  @Test
  void encodedTextIsDecodedAndSentAsUtf8Literal() throws Exception {
    // "Grüße, \"ok\"" in ISO-8859-1, base64
    String b64 = java.util.Base64.getEncoder().encodeToString("Grüße, \"ok\"".getBytes(StandardCharsets.ISO_8859_1));
    append("Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64 + "\r\n");
    append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        + "caf=C3=A9 =\r\nsoft\r\n");
    c.run("s SELECT INBOX", "s OK *");
    List<String> r = c.runExactly("a FETCH 1:2 (PREVIEW)",
        "* 1 FETCH (PREVIEW {*}\r\nGrüße, \"ok\")", "* 2 FETCH (PREVIEW {*}\r\ncafé soft)", "a OK *");
    assertThat(r.getFirst()).startsWith("* 1 FETCH (PREVIEW {" + "Grüße, \"ok\"".getBytes(StandardCharsets.UTF_8).length + "}");
  }

  @Test
  void longTextIsCutAt200Characters() throws Exception {
    String words = "wörd ".repeat(100);
    append("Content-Type: text/plain; charset=utf-8\r\n\r\n" + words + "\r\n");
    append("Subject: ascii\r\n\r\n" + "y".repeat(300) + "\r\n");
    c.run("s SELECT INBOX", "s OK *");
    String expected = words.substring(0, 200);
    int len = expected.getBytes(StandardCharsets.UTF_8).length;
    c.runExactly("a FETCH 1 (PREVIEW)", "* 1 FETCH (PREVIEW {" + len + "}\r\n" + expected + ")", "a OK *");
    c.runExactly("b FETCH 2 (PREVIEW)", "* 2 FETCH (PREVIEW \"" + "y".repeat(200) + "\")", "b OK *");
  }
}
