package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * URLFETCH with BINARY and BODYPARTSTRUCTURE (RFC 5524) on the shape of imaptest's {@code urlauth-binary}
 * message: a message/rfc822 part holding a multipart/alternative whose parts are base64 (one with blanks
 * around its lines), in an unknown encoding, and quoted-printable that decodes to a line looking like the
 * boundary. Each item comes in its own parentheses (§5); a leaf's structure beside BINARY describes the
 * decoded data; a message/rfc822 part is its own identity encoding (RFC 3516 §4.2), so BINARY gives it as
 * stored; an unknown encoding gives {@code (BINARY NIL)} beside the stored structure.
 */
class ImapUrlAuthBinaryTest {
  @RegisterExtension final ImapTestServer server = ImapTestServer.create();

  static final String MSG = String.join("\r\n",
      "From: carol@example.test",
      "Subject: forwarded",
      "MIME-Version: 1.0",
      "Content-Type: multipart/mixed; boundary=\"outer b\"",
      "",
      "prologue",
      "--outer b",
      "Content-Type: message/rfc822",
      "",
      "From: dave@example.test",
      "Subject: inner",
      "Content-Type: multipart/alternative; boundary=\"in1\"",
      "",
      "--in1",
      "Content-Type: text/x-one; charset=us-ascii",
      "Content-Transfer-Encoding: base64",
      "",
      "aGVs",
      "bG8gd29y",
      "bGQ=",
      "",
      "--in1",
      "Content-Type: text/x-two; charset=us-ascii",
      "Content-Transfer-Encoding: BASE64",
      "",
      "  aGVs  ",
      " bG8gd29y\t",
      "   bGQ= ",
      "",
      "--in1",
      "Content-Type: text/plain; charset=us-ascii",
      "Content-Transfer-Encoding: x-rot13",
      "",
      "uryyb",
      "--in1",
      "Content-Type: text/plain; charset=iso-8859-1",
      "Content-Transfer-Encoding: quoted-printable",
      "",
      "caf=E9",
      "",
      "--=",
      "in=",
      "=31--",
      "",
      "--in1--",
      "",
      "--outer b--",
      "");
  static final String BASE = "imap://alice%40example.test@imap.example.test/INBOX/;UID=1";

  private ImapClient alice() throws Exception {
    ImapClient c = server.login("alice@example.test");
    c.run("a APPEND INBOX " + ImapAppendExtensionsTest.lit(MSG), "a OK [APPENDUID * 1] *");
    return c;
  }

  private static String url(ImapClient c, String section) throws Exception {
    return ImapUrlAuthTest.gen(c, BASE + "/;SECTION=" + section + ";URLAUTH=user+alice%40example.test");
  }

  @Test
  void leafPartsAreDecodedAndDescribedAsSent() throws Exception {
    ImapClient c = alice();
    for (String section : List.of("1.1", "1.2")) {
      String u = url(c, section);
      String type = section.equals("1.1") ? "x-one" : "x-two";
      c.runExactly("b URLFETCH (\"" + u + "\" BINARY BODYPARTSTRUCTURE)",
          "* URLFETCH \"" + u + "\" (BODYPARTSTRUCTURE (\"text\" \"" + type + "\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 11 0"
              + " NIL NIL NIL NIL)) (BINARY {11}\r\nhello world)",
          "b OK URLFETCH completed");
      // without BINARY the structure is the part as stored
      c.run("c URLFETCH (\"" + u + "\" BODYPARTSTRUCTURE)", "* URLFETCH * (BODYPARTSTRUCTURE (\"text\" * \"base64\" *))", "c OK *");
    }
  }

  /** Quoted-printable that decodes to the boundary's close-delimiter: a leaf is decoded as it is. */
  @Test
  void quotedPrintableToEightBit() throws Exception {
    ImapClient c = alice();
    String u = url(c, "1.4");
    List<String> r = c.runExactly("b URLFETCH (\"" + u + "\" BODYPARTSTRUCTURE BINARY)",
        "* URLFETCH \"" + u + "\" (BODYPARTSTRUCTURE (\"text\" \"plain\" (\"charset\" \"iso-8859-1\") NIL NIL \"8bit\" 17 3"
            + " NIL NIL NIL NIL)) (BINARY {17}\r\ncaf*\r\n\r\n--in1--\r\n)",
        "b OK *");
    assertThat(r.getFirst()).doesNotContain("~{");
  }

  /** RFC 5524 §5: on a decoding error BINARY is NIL, and the structure is the part as stored. */
  @Test
  void unknownEncodingIsNil() throws Exception {
    ImapClient c = alice();
    String u = url(c, "1.3");
    c.runExactly("b URLFETCH (\"" + u + "\" BINARY BODYPARTSTRUCTURE)",
        "* URLFETCH \"" + u + "\" (BODYPARTSTRUCTURE (\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"x-rot13\" 5 1"
            + " NIL NIL NIL NIL)) (BINARY NIL)",
        "b OK URLFETCH completed");
    c.runExactly("c URLFETCH (\"" + u + "\" BINARY)", "* URLFETCH \"" + u + "\" (BINARY NIL)", "c OK *");
    // BODY still gives the stored octets
    c.runExactly("d URLFETCH (\"" + u + "\" BODY)", "* URLFETCH \"" + u + "\" (BODY {5}\r\nuryyb)", "d OK *");
  }

  /**
   * A message/rfc822 part's own encoding is 7bit, whose decoding is the identity (RFC 3516 §4.2; RFC 2045
   * §6.4 allows no other for it): BINARY gives the octets BODY gives, and its structure is as stored.
   */
  @Test
  void messagePartIsItsOwnBinary() throws Exception {
    ImapClient c = alice();
    String u = url(c, "1");
    String body = c.run("b URLFETCH \"" + u + "\"", "* URLFETCH *", "b OK *").getFirst();
    String data = body.substring(body.indexOf("}\r\n") + 3);
    assertThat(data).startsWith("From: dave@example.test\r\n").contains("Content-Transfer-Encoding: base64\r\n\r\naGVs");
    List<String> bin = c.run("c URLFETCH (\"" + u + "\" BINARY)", "* URLFETCH * (BINARY {*", "c OK *");
    assertThat(bin.getFirst()).isEqualTo("* URLFETCH \"" + u + "\" (BINARY " + body.substring(body.indexOf('{')) + ")");
    String plain = c.run("d URLFETCH (\"" + u + "\" BODYPARTSTRUCTURE)", "* URLFETCH *", "d OK *").getFirst();
    String withBinary = c.run("e URLFETCH (\"" + u + "\" BODYPARTSTRUCTURE BINARY)", "* URLFETCH *", "e OK *").getFirst();
    assertThat(plain).startsWith("* URLFETCH \"" + u + "\" (BODYPARTSTRUCTURE (\"message\" \"rfc822\" NIL NIL NIL \"7bit\" ");
    assertThat(withBinary).isEqualTo(plain + bin.getFirst().substring(bin.getFirst().indexOf(" (BINARY")));
  }

  @Test
  void domainOfDecodedData() {
    assertThat(BodyStructure.domain("a\r\nb\r\n".getBytes())).isEqualTo("7bit");
    assertThat(BodyStructure.domain(new byte[] {'a', (byte) 0xe9})).isEqualTo("8bit");
    assertThat(BodyStructure.domain(new byte[] {'a', 0, 'b'})).isEqualTo("binary");
    assertThat(BodyStructure.domain("a\nb".getBytes())).isEqualTo("binary");
    assertThat(BodyStructure.domain("a\rb".getBytes())).isEqualTo("binary");
    assertThat(BodyStructure.domain("a\r".getBytes())).isEqualTo("binary");
    assertThat(BodyStructure.domain("x".repeat(998).getBytes())).isEqualTo("7bit");
    assertThat(BodyStructure.domain("x".repeat(999).getBytes())).isEqualTo("binary");
  }
}
