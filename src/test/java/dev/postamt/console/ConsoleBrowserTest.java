package dev.postamt.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.admin.Admin;
import dev.postamt.quarantine.Quarantine;
import dev.postamt.testing.Browser;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The admin console in Debian's Chromium: an administrator creates a domain and a user, changes the
 * user's quota and sees it in the list, and releases a quarantined message that then arrives in the
 * mailbox. With {@code -Dpostamt.screenshots=DIR} it saves the main pages as {@code console-*.png}.
 */
@org.junit.jupiter.api.parallel.ResourceLock(dev.postamt.testing.Browser.LOCK)
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class ConsoleBrowserTest {
  static final int CLOSED_PORT = dev.postamt.testing.Ports.closed();

  @RegisterExtension
  static final TestServer t = TestServer.create().listen("http", "pop3s")
      .toml("[delivery]\nremote_port = " + CLOSED_PORT + "\n")
      .zone("""
          example.test. MX 10 mx.example.test.
          mx.example.test. A 192.0.2.25
          example.test. TXT "v=spf1 mx -all"
          _dmarc.example.test. TXT "v=DMARC1; p=quarantine"
          autoconfig.example.test. CNAME mx.example.test.
          _submission._tcp.example.test. SRV 0 1 587 mx.example.test.
          remote.example. MX 10 mx.remote.example.
          mx.remote.example. A 127.0.0.1
          """);

  @BeforeAll
  static void setUp() throws Exception {
    Admin admin = new Admin(t.config);
    admin.setAdmin("alice@example.test", null, true);
    admin.dkimKeygen("example.test", "s2026", "ed25519");
    Quarantine.of(t.config.dataDir()).store(new Quarantine.Entry("HELD1", Instant.now(), "offers@remote.example",
        List.of("bob@example.test"), "spam score 16.2 over 15.0 (BAYES_99, URIBL_BLACK)", "You won a prize", "198.51.100.7",
        "7BIT", false, 0).withKind(Quarantine.Kind.SPAM),
        new ByteArrayInputStream("From: offers@remote.example\r\nTo: bob@example.test\r\nSubject: You won a prize\r\n\r\nreleased-body-7731\r\n"
            .getBytes(StandardCharsets.US_ASCII)));
    // a message the remote host refuses to take for now: it waits in the queue, deferred
    try (SmtpScript s = SmtpScript.connect(t.port("smtp"))) {
      s.expect("220 *");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<alice@example.test>").expect("250 *");
      s.send("RCPT TO:<carl@remote.example>").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("Subject: quarterly report\r\n\r\nbody\r\n.\r\n").expect("250 *");
      s.send("QUIT").expect("221 *");
    }
  }


  @Test
  void anAdministratorManagesDomainsUsersQuotasAndTheQuarantine() throws Exception {
    try (Browser b = Browser.start()) {
      String base = "http://127.0.0.1:" + t.port("http");
      b.driver.get(base + "/admin/");
      b.driver.findElement(By.id("address")).sendKeys("alice@example.test");
      b.driver.findElement(By.id("password")).sendKeys(TestServer.PASSWORD);
      b.driver.findElement(By.id("login")).click();
      assertThat(b.driver.findElement(By.id("dashboard")).getText()).contains("Quarantine");
      screenshot(b, "dashboard");

      // a domain
      b.driver.get(base + "/admin/domains");
      b.driver.findElement(By.id("name")).sendKeys("shop.test");
      b.driver.findElement(By.id("add-domain")).click();
      assertThat(b.driver.findElement(By.cssSelector(".notice.ok")).getText()).contains("Added domain shop.test");
      assertThat(b.driver.findElement(By.id("dns")).getText()).contains("MX").contains("_dmarc.shop.test.");
      b.driver.get(base + "/admin/domains/show?name=example.test");
      String dns = b.driver.findElement(By.id("dns")).getText();
      assertThat(dns).contains("s2026._domainkey.example.test.").contains("yes").contains("missing");
      screenshot(b, "domain-dns");

      // a user in it, then a quota
      b.driver.get(base + "/admin/users");
      b.driver.findElement(By.id("address")).sendKeys("zoe@shop.test");
      b.driver.findElement(By.id("password")).sendKeys("zoe-pass-1");
      b.driver.findElement(By.id("add-user")).click();
      assertThat(b.driver.findElement(By.cssSelector(".notice.ok")).getText()).contains("Created user zoe@shop.test");
      WebElement storage = b.driver.findElement(By.id("storage"));
      storage.clear();
      storage.sendKeys("nonsense");
      b.driver.findElement(By.id("set-quota")).click();
      assertThat(b.driver.findElement(By.cssSelector(".field-error")).getText()).contains("a size like 500M");
      storage = b.driver.findElement(By.id("storage"));
      storage.clear();
      storage.sendKeys("200M");
      b.driver.findElement(By.id("set-quota")).click();
      assertThat(b.driver.findElement(By.cssSelector(".notice.ok")).getText()).contains("Quota of zoe@shop.test");
      b.driver.get(base + "/admin/users");
      WebElement row = b.driver.findElement(By.xpath("//table[@id='users']//tr[td/a[text()='zoe@shop.test']]"));
      assertThat(row.getText()).contains("0 bytes of 200 MB (0%)");
      screenshot(b, "users");

      b.driver.get(base + "/admin/queue");
      assertThat(b.driver.findElement(By.id("queue")).getText()).contains("carl@remote.example");
      screenshot(b, "queue");

      // release a held message: it arrives in bob's mailbox
      b.driver.get(base + "/admin/quarantine");
      assertThat(b.driver.findElement(By.id("quarantine")).getText()).contains("HELD1").contains("spam");
      screenshot(b, "quarantine");
      b.driver.get(base + "/admin/message?id=HELD1");
      assertThat(b.driver.findElement(By.id("held")).getText()).contains("spam score 16.2");
      screenshot(b, "message");
      b.driver.get(base + "/admin/quarantine");
      b.driver.findElement(By.cssSelector("#quarantine button[data-action='quarantine/release']")).click();
      assertThat(b.driver.findElement(By.cssSelector(".notice.ok")).getText()).contains("Released HELD1");
      assertThat(t.awaitMessageContaining("bob@example.test", "released-body-7731")).contains("X-Quarantine-Released:");
      assertThat(b.driver.findElement(By.id("quarantine-empty")).getText()).contains("Nothing is held");
    }
  }

  /** Saves the page when {@code -Dpostamt.screenshots=DIR} is set (the docs' pictures). */
  private static void screenshot(Browser b, String name) throws Exception {
    String dir = System.getProperty("postamt.screenshots");
    if (dir != null && !dir.isBlank()) {
      b.screenshot(Path.of(dir).resolve("console-" + name + ".png"));
    }
  }
}
