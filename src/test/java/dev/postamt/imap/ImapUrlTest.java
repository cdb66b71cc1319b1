package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ImapUrl}: the plain URLs of CATENATE and the URLAUTH forms (RFC 4467 §3, RFC 5092 §11). */
class ImapUrlTest {
  @Test
  void rfc4467ExampleRumpAndFull() {
    String rump = "imap://joe@example.com/INBOX/;uid=20/;section=1.2;urlauth=submit+fred";
    ImapUrl r = ImapUrl.parseAuthorized(rump).orElseThrow();
    assertThat(r.user()).isEqualTo("joe");
    assertThat(r.mailbox()).isEqualTo("INBOX");
    assertThat(r.uid()).isEqualTo(20);
    assertThat(r.section()).isEqualTo("1.2");
    assertThat(r.auth()).isEqualTo(new ImapUrl.Authorization(rump, null, "submit+fred", null, null));
    String full = rump + ":internal:91354a473744909de610943775f92038";
    ImapUrl f = ImapUrl.parseAuthorized(full).orElseThrow();
    assertThat(f.auth()).isEqualTo(
        new ImapUrl.Authorization(rump, null, "submit+fred", "internal", "91354a473744909de610943775f92038"));
    assertThat(f.section()).isEqualTo("1.2");
    // CATENATE's parser keeps refusing URLAUTH forms
    assertThat(ImapUrl.parse(full)).isEmpty();
    assertThat(ImapUrl.parse(rump)).isEmpty();
  }

  @Test
  void expireAndPartialAndUidvalidity() {
    String url = "imap://fred%40example.test@h/Drafts;UIDVALIDITY=7/;UID=3/;PARTIAL=10.20"
        + ";EXPIRE=2030-05-01T10:00:00+02:00;URLAUTH=anonymous:INTERNAL:" + "0".repeat(32);
    ImapUrl u = ImapUrl.parseAuthorized(url).orElseThrow();
    assertThat(u.user()).isEqualTo("fred@example.test");
    assertThat(u.mailbox()).isEqualTo("Drafts");
    assertThat(u.uidValidity()).isEqualTo(7);
    assertThat(u.partialOffset()).isEqualTo(10);
    assertThat(u.partialLength()).isEqualTo(20);
    assertThat(u.auth().expire()).isEqualTo(Instant.parse("2030-05-01T08:00:00Z"));
    assertThat(u.auth().rump()).isEqualTo(url.substring(0, url.indexOf(":INTERNAL:")));
    assertThat(ImapUrl.parseAuthorized(url.replace("2030-05-01T", "2030-05-01t").replace("+02:00", "z")))
        .hasValueSatisfying(v -> assertThat(v.auth().expire()).isEqualTo(Instant.parse("2030-05-01T10:00:00Z")));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/INBOX/;UID=1;URLAUTH=authuser", // no user: the key's owner must be named
      "imap://a@h/INBOX/;UID=1", // no URLAUTH
      "imap://a@h/INBOX;URLAUTH=authuser", // a whole mailbox
      "imap://a@h/INBOX/;UID=1;URLAUTH=", // empty access
      "imap://a@h/INBOX/;UID=1;URLAUTH=authuser:INTERNAL:abc", // token shorter than 128 bits
      "imap://a@h/INBOX/;UID=1;URLAUTH=authuser:INTERNAL:zz000000000000000000000000000000", // not hex
      "imap://a@h/INBOX/;UID=1;URLAUTH=authuser:INTERNAL", // mechanism without token
      "imap://a@h/INBOX/;UID=1;EXPIRE=tomorrow;URLAUTH=authuser", // not RFC 3339
      "imap://a@h/INBOX/;UID=1;URLAUTH=authuser;EXPIRE=2030-01-01T00:00:00Z", // expiry after URLAUTH
  })
  void refused(String url) {
    assertThat(ImapUrl.parseAuthorized(url)).isEmpty();
  }
}
