package dev.postamt.imap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * BODYSTRUCTURE with RFC 2231 parameters (RFC 9051 §7.5.2 body-fld-param): continuations joined under
 * the plain name, encoded values as one {@code name*} in UTF-8, percent-encoded.
 */
class ImapBodyStructureTest {
  static final String RFC2231 =
      "From: Ann <ann@example.test>\r\n"
          + "Subject: parameters\r\n"
          + "MIME-Version: 1.0\r\n"
          + "Content-Type: multipart/mixed;\r\n"
          + " boundary*0=\"==part\";\r\n"
          + " boundary*1=\"-boundary\"\r\n"
          + "\r\n"
          + "--==part-boundary\r\n"
          + "Content-Type: text/plain; charset*=us-ascii'en'utf-8\r\n"
          + "\r\n"
          + "hello\r\n"
          + "--==part-boundary\r\n"
          + "Content-Type: application/pdf;\r\n"
          + " name*0=\"a long file \";\r\n"
          + " name*1=\"name.pdf\"\r\n"
          + "Content-Disposition: attachment;\r\n"
          + " filename*0*=iso-8859-1'de'Gr%FC%DFe%20;\r\n"
          + " filename*1=\"and 100%.pdf\"\r\n"
          + "Content-Transfer-Encoding: base64\r\n"
          + "\r\n"
          + "AAEC\r\n"
          + "--==part-boundary--\r\n";

  @RegisterExtension final ImapTestServer server = ImapTestServer.create();
  ImapClient c;

  @BeforeEach
  void start() throws Exception {
    c = server.login("alice");
    c.run("ap APPEND INBOX {" + RFC2231.length() + "+}\r\n" + RFC2231, "ap OK *");
    c.run("s SELECT INBOX", "* 1 EXISTS", "s OK *");
  }

  @Test
  void rfc2231ParametersAreDecoded() throws Exception {
    c.runExactly("a FETCH 1 BODYSTRUCTURE",
        "* 1 FETCH (BODYSTRUCTURE ("
            + "(\"text\" \"plain\" (\"charset*\" \"utf-8'en'utf-8\") NIL NIL \"7bit\" 5 1 NIL NIL NIL NIL)"
            + "(\"application\" \"pdf\" (\"name\" \"a long file name.pdf\") NIL NIL \"base64\" 4 NIL"
            + " (\"attachment\" (\"filename*\" \"utf-8'de'Gr%C3%BC%C3%9Fe%20and%20100%25.pdf\")) NIL NIL)"
            + " \"mixed\" (\"boundary\" \"==part-boundary\") NIL NIL NIL))",
        "a OK *");
    // BODY shows the same parameters, without the extension data
    c.run("b FETCH 1 BODY", "* 1 FETCH (BODY ((*(\"name\" \"a long file name.pdf\")*) \"mixed\"))", "b OK *");
  }
}
