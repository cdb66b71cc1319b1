package dev.postamt.jmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 8621 §4.1.4: which parts are the text body, the HTML body and attachments, and header forms. */
class EmailViewTest {
  private static final Ids.MessageRef REF = new Ids.MessageRef(1, 2, 3);

  private static EmailView view(String message) {
    return new EmailView(message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8), REF);
  }

  private static List<String> ids(List<EmailView.Part> parts) {
    return parts.stream().map(EmailView.Part::partId).toList();
  }

  @Test
  void aSinglePlainPartIsBothBodies() {
    EmailView v = view("Subject: x\n\nhello\n");
    assertThat(ids(v.textBody)).containsExactly("1");
    assertThat(ids(v.htmlBody)).containsExactly("1");
    assertThat(v.attachments).isEmpty();
    assertThat(v.preview()).isEqualTo("hello");
  }

  @Test
  void alternativeSplitsTextAndHtml() {
    EmailView v = view("""
        Content-Type: multipart/alternative; boundary=b

        --b
        Content-Type: text/plain

        plain
        --b
        Content-Type: text/html

        <p>rich</p>
        --b--
        """);
    assertThat(ids(v.textBody)).containsExactly("1");
    assertThat(ids(v.htmlBody)).containsExactly("2");
  }

  @Test
  void htmlOnlyAlternativeServesTheHtmlAsTextTooAndPreviewHasNoTags() {
    EmailView v = view("""
        Content-Type: multipart/alternative; boundary=b

        --b
        Content-Type: text/html

        <p>only   <b>rich</b></p>
        --b--
        """);
    assertThat(ids(v.textBody)).containsExactly("1");
    assertThat(ids(v.htmlBody)).containsExactly("1");
    assertThat(v.preview()).isEqualTo("only rich");
  }

  @Test
  void relatedImagesAndNamedTextPartsAreAttachments() {
    EmailView v = view("""
        Content-Type: multipart/mixed; boundary=m

        --m
        Content-Type: multipart/related; boundary=r

        --r
        Content-Type: text/html

        <img src="cid:i">
        --r
        Content-Type: image/png
        Content-ID: <i>

        PNG
        --r--
        --m
        Content-Type: text/plain; name="notes.txt"

        notes
        --m
        Content-Type: image/jpeg

        JPG
        --m--
        """);
    assertThat(ids(v.textBody)).containsExactly("1.1", "3");
    assertThat(ids(v.htmlBody)).containsExactly("1.1", "3");
    assertThat(ids(v.attachments)).containsExactly("1.2", "2");
    assertThat(v.part("1.2").type()).isEqualTo("image/png");
    assertThat(v.part("9")).isNull();
  }

  @Test
  void headerFormsParseOrGiveNull() {
    assertThat(HeaderForms.parseProperty("header:From:asAddresses:all"))
        .isEqualTo(new HeaderForms.HeaderProperty("From", HeaderForms.Form.ADDRESSES, true));
    assertThat(HeaderForms.parseProperty("header:From:asNothing")).isNull();
    assertThat(HeaderForms.parseProperty("header:Fr om")).isNull();
    assertThat(HeaderForms.messageIds(" <a@b> (c) <c@d>")).isEqualTo(List.of("a@b", "c@d"));
    assertThat(HeaderForms.messageIds("junk <a@b>")).isNull();
    assertThat(HeaderForms.date("Mon, 1 Dec 2025 10:00:00 -0500")).isEqualTo("2025-12-01T10:00:00-05:00");
    assertThat(HeaderForms.date("yesterday")).isNull();
    assertThat(HeaderForms.text(" =?ISO-8859-1?Q?Caf=E9?=\r\n  ok ")).isEqualTo("Café  ok"); // unfolding removes only the CRLF (RFC 5322 §2.2.3)
    assertThat(HeaderForms.groups("A <a@x>, Team: b@x, \"Doe, J\" <c@x>;, d@x")).hasSize(3);
    assertThat(HeaderForms.urls("<mailto:l@x>, <https://x/u>")).isEqualTo(List.of("mailto:l@x", "https://x/u"));
  }

  @Test
  void idsRoundTripAndRefuseForeignShapes() {
    assertThat(Ids.email(Ids.email(REF))).contains(REF);
    assertThat(Ids.thread(Ids.thread(REF))).contains(REF);
    assertThat(Ids.blob(Ids.blob(REF, "1.2"))).contains(new Ids.BlobRef(REF, "1.2"));
    assertThat(Ids.blob(Ids.blob(REF))).contains(new Ids.BlobRef(REF, null));
    assertThat(Ids.mailbox(Ids.mailbox(42))).isEqualTo(42);
    assertThat(Ids.email("e1_2")).isEmpty();
    assertThat(Ids.email("E1_2_3")).isEmpty();
    assertThat(Ids.mailbox("m-1")).isEqualTo(-1);
    assertThat(Ids.email(Ids.email(REF))).get().isNotEqualTo(Ids.thread(Ids.thread(REF)).map(r -> new Ids.MessageRef(0, 0, 0)).get());
    assertThat(Ids.account("Alice@Example.test")).isEqualTo(Ids.account("alice@example.test")).matches("a[0-9a-f]{20}");
  }
}
