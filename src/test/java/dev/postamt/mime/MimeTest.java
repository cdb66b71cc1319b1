package dev.postamt.mime;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MIME tree, header text and address parsing on odd but real-world input. */
class MimeTest {
  static MimePart parse(String s) {
    return MimePart.parse(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void nestedMultipartOffsets() {
    String m = "Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\nContent-Type: multipart/alternative;\r\n"
        + " boundary=\"b b\"\r\n\r\n--b b\r\n\r\nplain\r\n--b b\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n--b b--\r\n"
        + "--a\r\nContent-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\nbody\r\n--a--\r\n";
    MimePart root = parse(m);
    assertThat(root.isMultipart()).isTrue();
    assertThat(root.children()).hasSize(2);
    MimePart alt = root.children().get(0);
    assertThat(alt.subtype()).isEqualTo("alternative");
    assertThat(alt.params()).containsEntry("boundary", "b b");
    assertThat(alt.children()).extracting(MimePart::subtype).containsExactly("plain", "html");
    assertThat(alt.children().get(0).bodyText()).isEqualTo("plain");
    assertThat(alt.children().get(0).params()).containsEntry("charset", "us-ascii");
    MimePart inner = root.children().get(1).message();
    assertThat(inner.header("subject")).isEqualTo("in");
    assertThat(inner.bodyText()).isEqualTo("body");
  }

  @Test
  void toleratesBrokenInput() {
    assertThat(parse("").fields()).isEmpty();
    assertThat(parse("no header at all\r\n").bodyText()).isEqualTo("no header at all\r\n");
    MimePart unterminated = parse("Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\npart");
    assertThat(unterminated.children()).singleElement().satisfies(p -> assertThat(p.bodyText()).isEqualTo("part"));
    MimePart badType = parse("Content-Type: garbage\r\n\r\nx");
    assertThat(badType.type()).isEqualTo("text");
    assertThat(parse("Subject: a\n folded\nFrom: b\n\nbody\n").header("Subject")).isEqualTo("a folded");
    // A thousand nested multiparts must not blow the stack.
    StringBuilder deep = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      deep.append("Content-Type: multipart/mixed; boundary=b").append(i).append("\r\n\r\n--b").append(i).append("\r\n");
    }
    assertThat(parse(deep.toString())).isNotNull();
  }

  @Test
  void headerText() {
    assertThat(HeaderText.decode("=?ISO-8859-1?Q?Andr=E9?= Pirard")).isEqualTo("André Pirard");
    assertThat(HeaderText.decode("=?UTF-8?B?w6TDtsO8?= =?UTF-8?B?w58=?=")).isEqualTo("äöüß");
    assertThat(HeaderText.decode("=?bogus?Q?x?=")).isEqualTo("=?bogus?Q?x?=");
    Map<String, String> p = new LinkedHashMap<>();
    assertThat(HeaderText.parseContentType("Text/Plain (comment); charset=\"utf-8\"; format=flowed", p)).isEqualTo("text/plain");
    assertThat(p).containsExactly(Map.entry("charset", "utf-8"), Map.entry("format", "flowed"));
    assertThat(HeaderText.parseDate("Mon, 7 Feb 1994 21:52:25 -0800").toString()).isEqualTo("1994-02-07T21:52:25-08:00");
    assertThat(HeaderText.parseDate("7 Feb 94 21:52 GMT")).isNotNull();
    assertThat(HeaderText.parseDate("yesterday")).isNull();
  }

  @Test
  void addresses() {
    // A trailing comment on a bare addr-spec is its display name, as Dovecot does (imaptest fetch-envelope).
    assertThat(Address.parseList("\"Doe, John\" <john@example.test>, jane@example.test (Jane)"))
        .containsExactly(new Address("Doe, John", null, "john", "example.test"), new Address("Jane", null, "jane", "example.test"));
    // Comments and white space inside an angle address are not part of it.
    assertThat(Address.parseList("<user (c)@ (c) domain.org>")).containsExactly(new Address(null, null, "user", "domain.org"));
    assertThat(Address.parseList("team: a@x.test, B <b@y.test>;, c@z.test")).containsExactly(
        new Address(null, null, "team", null), new Address(null, null, "a", "x.test"), new Address("B", null, "b", "y.test"),
        new Address(null, null, null, null), new Address(null, null, "c", "z.test"));
    assertThat(Address.parseList("<@route.test:user@host.test>")).containsExactly(new Address(null, "@route.test", "user", "host.test"));
    assertThat(Address.parseList("undisclosed-recipients:;")).hasSize(2);
    assertThat(Address.parseList("")).isEmpty();
    assertThat(Address.parseList("<unterminated@x")).hasSize(1);
    assertThat(List.of(Address.parseList("\"q\\\"uote\" <a@b>").getFirst().name())).containsExactly("q\"uote");
  }

  @FuzzTest(maxDuration = "30s")
  void neverThrows(FuzzedDataProvider data) {
    byte[] b = data.consumeRemainingAsBytes();
    MimePart p = MimePart.parse(b);
    p.bodyLines();
    String s = new String(b, StandardCharsets.ISO_8859_1);
    Address.parseList(s);
    HeaderText.decode(s);
    HeaderText.parseDate(s);
    HeaderText.parseContentType(s, new LinkedHashMap<>());
  }
}
