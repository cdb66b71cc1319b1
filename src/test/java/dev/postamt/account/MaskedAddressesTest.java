package dev.postamt.account;

import static dev.postamt.web.WebSessionClient.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.directory.Directory;
import dev.postamt.directory.Masks;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import dev.postamt.web.WebSessionClient;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Masked addresses end to end: made in self-service, mail through one reaches its owner, a switched-off
 * one is refused at RCPT TO with 550 5.1.1 even though the domain has a catch-all, and one user never
 * reaches another's masks.
 */
class MaskedAddressesTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http").user("maria").user("nils");

  private static final Pattern MASK = Pattern.compile("id=\"mask\">([^<]+)<");

  private static WebSessionClient login(String user) throws Exception {
    WebSessionClient c = new WebSessionClient(t);
    assertThat(c.login(user, TestServer.PASSWORD, null).statusCode()).isEqualTo(303);
    return c;
  }

  private static void send(String rcpt, String subject, String reply) throws Exception {
    SmtpScript s = t.smtp("smtp");
    s.send("EHLO client.example").read();
    s.send("MAIL FROM:<shop@remote.example>").expect("250 *");
    s.send("RCPT TO:<" + rcpt + ">").expect(reply);
    if (reply.startsWith("250")) {
      s.send("DATA").expect("354 *");
      s.raw("Subject: " + subject + "\r\n\r\nhello\r\n.\r\n").expect("250 2.0.0 *");
    }
    s.send("QUIT").expect("221 *");
  }

  @Test
  void aMaskMadeInSelfServiceDeliversUntilItIsSwitchedOff() throws Exception {
    try (Directory d = Directory.open(t.config.dataDir())) {
      d.addAlias("@example.test", java.util.List.of("bob@example.test")); // a catch-all must not take a disabled mask
    }
    WebSessionClient c = login("maria@example.test");
    assertThat(c.get("/account/masks").body()).contains("id=\"masks-empty\"");
    assertThat(c.postForm("/account/masks", form("label", "Shoe Shop"), false).statusCode()).isEqualTo(403); // no CSRF
    HttpResponse<String> made = c.postForm("/account/masks", form("label", "Shoe Shop"));
    assertThat(made.statusCode()).isEqualTo(200);
    Matcher m = MASK.matcher(made.body());
    assertThat(m.find()).isTrue();
    String mask = m.group(1);
    assertThat(mask).matches("shoe-shop\\.[a-z2-9]{10}@example\\.test");
    assertThat(c.get("/account/masks").body()).contains(mask, ">on<");

    send(mask, "through the mask", "250 *");
    assertThat(t.awaitMessageContaining("maria@example.test", "Subject: through the mask")).contains("hello");

    // another user can neither see nor switch it
    WebSessionClient nils = login("nils@example.test");
    assertThat(nils.get("/account/masks").body()).doesNotContain(mask);
    assertThat(nils.postForm("/account/masks/off", form("address", mask)).statusCode()).isEqualTo(404);
    send(mask, "still on", "250 *");

    HttpResponse<String> off = c.postForm("/account/masks/off", form("address", mask));
    assertThat(off.statusCode()).isEqualTo(200);
    assertThat(off.body()).contains("is off", ">off<");
    send(mask, "after off", "550 5.1.1 *");

    assertThat(c.postForm("/account/masks/on", form("address", mask)).statusCode()).isEqualTo(200);
    send(mask, "on again", "250 *");
    assertThat(t.awaitMessageContaining("maria@example.test", "Subject: on again")).contains("hello");

    // a guessed address next to it is just an unknown one (the catch-all takes it, not maria)
    try (Directory d = Directory.open(t.config.dataDir())) {
      assertThat(d.masks().lookup(mask.replaceFirst("\\.[a-z2-9]{10}@", ".aaaaaaaaaa@"))).isEmpty();
      d.removeAlias("@example.test");
    }
  }

  @Test
  void aBadLabelIsAnsweredOnTheForm() throws Exception {
    WebSessionClient c = login("nils@example.test");
    HttpResponse<String> r = c.postForm("/account/masks", form("label", "---"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("field-error");
    try (Directory d = Directory.open(t.config.dataDir())) {
      assertThat(d.masks().list("nils@example.test")).extracting(Masks.Mask::label).doesNotContain("");
    }
  }
}
