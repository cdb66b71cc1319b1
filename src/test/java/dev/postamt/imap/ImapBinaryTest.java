package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * BINARY (RFC 3516, RFC 9051 §6.4.5): FETCH BINARY / BINARY.PEEK / BINARY.SIZE with base64 and
 * quoted-printable decoding, partials, UNKNOWN-CTE, literal8 for NUL content, and APPEND of a literal8.
 */
class ImapBinaryTest {
  /** Parts: 1 base64 text, 2 quoted-printable (imaptest fetch-binary-mime-qp), 3 base64 with NULs, 4 unknown CTE, 5 a message. */
  static final String MIXED = "From: a@example.test\r\nSubject: parts\r\nMIME-Version: 1.0\r\n"
      + "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\npreamble\r\n"
      + "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      + "  aGVs  \r\n bG8g\t\r\nd29y\r\nbGQ=\r\n"
      + "--b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: Quoted-Printable\r\n\r\n"
      + "hello  \r\nbar=\r\n\r\nfoo\t=\r\nbar\r\nfoo\t \t= \r\n=62\r\nfoo = \t\r\nbar\r\nfoo =\r\n=62\r\nfoo  \r\nbar=\r\n\r\nfoo_bar\r\n\r\n"
      + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      + "YQBiAAA=\r\n"
      + "--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n"
      + "begin 644 x\r\n"
      + "--b\r\nContent-Type: message/rfc822\r\n\r\n"
      + "Subject: inner\r\nContent-Transfer-Encoding: base64\r\n\r\naW5uZXI=\r\n"
      + "--b--\r\n";
  static final String QP_DECODED = "hello\r\nbar\r\nfoo\tbar\r\nfoo\t \tb\r\nfoo bar\r\nfoo b\r\nfoo\r\nbar\r\nfoo_bar\r\n";

  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.login("alice");
    c.run("ap APPEND INBOX {" + MIXED.length() + "+}\r\n" + MIXED, "ap OK *");
    c.run("s SELECT INBOX", "s OK *");
  }

  @Test
  void advertised() throws Exception {
    c.run("a CAPABILITY", "* CAPABILITY IMAP4rev1 IMAP4rev2 * BINARY *", "a OK *");
  }

  @Test
  void base64IsDecodedIgnoringWhiteSpace() throws Exception {
    c.runExactly("a FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1])",
        "* 1 FETCH (BINARY.SIZE[1] 11 BINARY[1] {11}\r\nhello world)", "a OK *");
  }

  @Test
  void quotedPrintableFollowsRfc2045Rules() throws Exception {
    c.runExactly("a FETCH 1 (BINARY.SIZE[2] BINARY.PEEK[2])",
        "* 1 FETCH (BINARY.SIZE[2] 65 BINARY[2] {65}\r\n" + QP_DECODED + ")", "a OK *");
  }

  @Test
  void partialsCountDecodedOctets() throws Exception {
    c.runExactly("a FETCH 1 (BINARY.PEEK[2]<10.10> BINARY.PEEK[2]<60.100> BINARY.PEEK[2]<100.5>)",
        "* 1 FETCH (BINARY[2]<10> {10}\r\n" + QP_DECODED.substring(10, 20)
            + " BINARY[2]<60> {5}\r\n" + QP_DECODED.substring(60) + " BINARY[2]<100> {0}\r\n)",
        "a OK *");
  }

  @Test
  void nulContentComesAsLiteral8() throws Exception {
    c.runExactly("a FETCH 1 (BINARY.SIZE[3] BINARY.PEEK[3])",
        "* 1 FETCH (BINARY.SIZE[3] 5 BINARY[3] ~{5}\r\na\0b\0\0)", "a OK *");
    // A partial without the NUL is an ordinary literal again (RFC 3516 §4.3).
    c.runExactly("b FETCH 1 BINARY.PEEK[3]<0.1>", "* 1 FETCH (BINARY[3]<0> {1}\r\na)", "b OK *");
  }

  @Test
  void unknownTransferEncodingIsRefused() throws Exception {
    c.runExactly("a FETCH 1 BINARY.PEEK[4]", "a NO [UNKNOWN-CTE] *");
    c.runExactly("b FETCH 1 BINARY.SIZE[4]", "b NO [UNKNOWN-CTE] *");
    // BODY is not decoded, so it still works.
    c.runExactly("c FETCH 1 BODY.PEEK[4]", "* 1 FETCH (BODY[4] {11}\r\nbegin 644 x)", "c OK *");
  }

  @Test
  void containersAreNotDecoded() throws Exception {
    // message/rfc822 and multipart have no transfer encoding of their own: as BODY (Dovecot does so too).
    c.runExactly("a FETCH 1 BINARY.PEEK[5]",
        "* 1 FETCH (BINARY[5] {61}\r\nSubject: inner\r\nContent-Transfer-Encoding: base64\r\n\r\naW5uZXI=)", "a OK *");
    c.runExactly("b FETCH 1 BINARY.PEEK[5.1]", "* 1 FETCH (BINARY[5.1] {5}\r\ninner)", "b OK *");
    c.runExactly("c FETCH 1 BINARY.SIZE[]", "* 1 FETCH (BINARY.SIZE[] " + MIXED.length() + ")", "c OK *");
  }

  @Test
  void wholeSinglePartMessageKeepsItsHeader() throws Exception {
    String m = "Subject: one\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n";
    c.run("ap APPEND INBOX {" + m.length() + "+}\r\n" + m, "ap OK *");
    c.run("n NOOP", "n OK *");
    c.runExactly("a FETCH 2 (BINARY.PEEK[] BINARY.PEEK[1])",
        "* 2 FETCH (BINARY[] {53}\r\nSubject: one\r\nContent-Transfer-Encoding: base64\r\n\r\nhi BINARY[1] {2}\r\nhi)",
        "a OK *");
  }

  @Test
  void binarySetsSeenAndPeekDoesNot() throws Exception {
    c.runExactly("a FETCH 1 BINARY.PEEK[1]", "* 1 FETCH (BINARY[1] {11}\r\nhello world)", "a OK *");
    c.runExactly("b FETCH 1 FLAGS", "* 1 FETCH (FLAGS (\\Recent))", "b OK *");
    c.runExactly("c FETCH 1 BINARY[1]", "* 1 FETCH (BINARY[1] {11}\r\nhello world FLAGS (\\Seen \\Recent))", "c OK *");
  }

  @Test
  void badBinarySyntaxIsBad() throws Exception {
    c.runExactly("a FETCH 1 BINARY[1.MIME]", "a BAD *");
    c.runExactly("b FETCH 1 BINARY.SIZE[1]<0.5>", "b BAD *");
    c.runExactly("c FETCH 1 BINARY[0]", "c BAD *");
    c.runExactly("d FETCH 1 BINARY.HEADER[1]", "d BAD *");
    c.runExactly("e NOOP", "e OK *");
  }

  /** imaptest append-binary: a literal8 with NULs is stored so that BODY[] never carries a NUL. */
  @Test
  void literal8AppendRoundTrips() throws Exception {
    byte[] body = {0, '-', (byte) 0xe4, '\n', '\r', '\n', '\n'};
    byte[] head = ("From: user@domain.org\r\nMime-Version: 1.0\r\nContent-Type: application/octet-stream\r\n"
        + "Content-Transfer-Encoding: binary\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] msg = new byte[head.length + body.length];
    System.arraycopy(head, 0, msg, 0, head.length);
    System.arraycopy(body, 0, msg, head.length, body.length);
    // Synchronising literal8: the server invites it like any literal.
    c.sendRaw(("b1 APPEND INBOX ~{" + msg.length + "}\r\n").getBytes(StandardCharsets.US_ASCII));
    assertThat(c.line()).startsWith("+ ");
    c.sendRaw(msg);
    c.send("");
    ImapClient.check(c.until("b1"), "b1 OK [APPENDUID * 2] *");
    // And the LITERAL+ form.
    c.sendRaw(("b2 APPEND INBOX ~{" + msg.length + "+}\r\n").getBytes(StandardCharsets.US_ASCII));
    c.sendRaw(msg);
    c.send("");
    ImapClient.check(c.until("b2"), "* 3 EXISTS", "b2 OK [APPENDUID * 3] *");
    c.runExactly("f FETCH 2 BODY.PEEK[1]", "* 2 FETCH (BODY[1] {14}\r\nAC3kCg0KCg==\r\n)", "f OK *");
    c.runExactly("g FETCH 2 BODY.PEEK[HEADER.FIELDS (Content-Transfer-Encoding)]",
        "* 2 FETCH (BODY[HEADER.FIELDS (Content-Transfer-Encoding)] {37}\r\nContent-Transfer-Encoding: base64\r\n\r\n)", "g OK *");
    c.send("h FETCH 3 (BINARY.SIZE[1] BINARY.PEEK[1])");
    List<String> lines = c.until("h");
    assertThat(lines).hasSize(2);
    String prefix = "* 3 FETCH (BINARY.SIZE[1] 7 BINARY[1] ~{7}\r\n";
    assertThat(lines.getFirst()).startsWith(prefix);
    // \xe4 is not UTF-8 by itself, so compare the decoded line's characters one by one.
    String rest = lines.getFirst().substring(prefix.length());
    assertThat(rest).startsWith("\0-").endsWith("\n\r\n\n)").hasSize(8);
  }

  /** A plain APPEND of text declared binary but without NUL stays as sent. */
  @Test
  void plainAppendOfBinaryTextIsKept() throws Exception {
    String m = "Subject: b\r\nContent-Transfer-Encoding: binary\r\n\r\nplain text\r\n";
    c.run("ap APPEND INBOX {" + m.length() + "+}\r\n" + m, "ap OK *");
    c.run("n NOOP", "n OK *");
    c.runExactly("a FETCH 2 BODY.PEEK[]", "* 2 FETCH (BODY[] {" + m.length() + "}\r\n" + m + ")", "a OK *");
  }

  // ---- parsing ---------------------------------------------------------------------------------

  static Stream<Arguments> binaryItems() {
    return Stream.of(
        Arguments.of("x FETCH 1 BINARY[]", new FetchAttr.Binary(false, List.of(), -1, -1)),
        Arguments.of("x FETCH 1 binary.peek[1.2.3]<5.10>", new FetchAttr.Binary(true, List.of(1, 2, 3), 5, 10)),
        Arguments.of("x FETCH 1 (BINARY.SIZE[2])", new FetchAttr.BinarySize(List.of(2))));
  }

  @ParameterizedTest
  @MethodSource("binaryItems")
  void parsesBinaryItems(String wire, FetchAttr expected) throws Exception {
    Command.Fetch f = (Command.Fetch) CommandParser.parse(wire.getBytes(StandardCharsets.US_ASCII)).command();
    assertThat(f.attrs()).containsExactly(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"x FETCH 1 BINARY[TEXT]", "x FETCH 1 BINARY[1.]", "x FETCH 1 BINARY[1", "x FETCH 1 BINARY.SIZE[1]<0.1>",
      "x FETCH 1 BINARY[1]<5>", "x FETCH 1 BINARY.PEEKX[1]"})
  void rejectsBadBinaryItems(String wire) {
    assertThatThrownBy(() -> CommandParser.parse(wire.getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(ImapException.class);
  }

  @Test
  void appendRecordsLiteral8() throws Exception {
    Command.Append a = (Command.Append) CommandParser.parse("x APPEND INBOX ~{2}\r\na\0".getBytes(StandardCharsets.US_ASCII)).command();
    assertThat(a.binary()).isTrue();
    assertThat(a.message().bytes()).containsExactly('a', 0);
    Command.Append b = (Command.Append) CommandParser.parse("x APPEND INBOX {1+}\r\na".getBytes(StandardCharsets.US_ASCII)).command();
    assertThat(b.binary()).isFalse();
  }
}
