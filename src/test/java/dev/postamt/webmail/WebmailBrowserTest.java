package dev.postamt.webmail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import dev.postamt.testing.Browser;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import dev.postamt.web.WebSessionClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;

/**
 * The webmail in Debian's Chromium: log in, read a plain and an HTML message, move to a folder,
 * search, mark as spam, see a message sent over SMTP appear without reload, log out; and a set of
 * hostile HTML messages that must run no script (the test hooks {@code alert}, watches a DOM marker
 * the payloads set, and reads the console, where a CSP violation would show a payload the sanitiser
 * let through). With {@code -Dpostamt.screenshots=DIR} it saves the inbox, reader and composer.
 */
@org.junit.jupiter.api.parallel.ResourceLock(dev.postamt.testing.Browser.LOCK)
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class WebmailBrowserTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http").user("carol").user("dave");

  static final String LUNCH = """
      From: Carol Example <carol@example.org>
      To: %s
      Subject: Lunch plans
      Date: Tue, 02 Dec 2025 10:00:00 +0100
      Message-ID: <lunch@example.org>

      Shall we meet at noon?

      > Are you free on Friday?
      >> Only after the meeting.

      --\s
      Carol, who signs every mail
      """;
  static final String NEWSLETTER = """
      From: News <news@shop.example>
      To: %s
      Subject: Weekly newsletter
      Date: Wed, 03 Dec 2025 09:00:00 +0000
      MIME-Version: 1.0
      Content-Type: text/html; charset=utf-8

      <h1>Hello from the newsletter</h1><p>Big <b>savings</b>.</p><img src="https://tracker.example/open.gif" alt="">
      """;
  static final String INVOICE = """
      From: billing@scam.example
      To: %s
      Subject: Unpaid invoice
      Date: Thu, 04 Dec 2025 08:00:00 +0000

      Pay now.
      """;

  static void append(String user, String folder, String message) {
    WebmailPage.append(t, user, folder, message);
  }

  @Test
  void readsOrganisesSearchesAndSeesNewMailWithoutReload() throws Exception {
    String alice = "alice@example.test";
    append(alice, "INBOX", LUNCH.formatted(alice));
    append(alice, "INBOX", NEWSLETTER.formatted(alice));
    append(alice, "INBOX", INVOICE.formatted(alice));
    try (Account a = t.server.store().open(alice)) {
      a.create("Projects", null);
    }
    try (Browser b = Browser.start()) {
      WebmailPage w = WebmailPage.login(t, b, alice);
      assertThat(b.driver.findElement(By.cssSelector("#folders li.current .name")).getText()).isEqualTo("INBOX");
      assertThat(b.driver.findElement(By.cssSelector("#folders li.current .count")).getText()).isEqualTo("3");
      w.screenshot("inbox");

      w.clickRow("Lunch plans");
      WebElement text = w.await().until(d -> d.findElement(By.id("msg-text")));
      assertThat(text.getText()).contains("Shall we meet at noon?").contains("Carol, who signs every mail");
      assertThat(b.driver.findElement(By.id("reader")).getText()).doesNotContain("null"); // no part left out shows as "null"
      assertThat(b.driver.findElement(By.cssSelector("#msg-text .quote.q1")).getText()).contains("Are you free on Friday?");
      assertThat(b.driver.findElement(By.cssSelector("#msg-text .quote.q2")).getText()).contains("Only after the meeting.");
      w.await().until(d -> d.findElement(By.cssSelector("#folders li.current .count")).getText().equals("2"));
      w.screenshot("reader-plain");

      w.clickRow("Weekly newsletter");
      WebElement bar = w.await().until(d -> d.findElement(By.id("images-bar")));
      assertThat(bar.getText()).contains("1 remote image blocked");
      w.screenshot("reader");
      b.driver.switchTo().frame(b.driver.findElement(By.id("msg-frame")));
      assertThat(b.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Hello from the newsletter");
      assertThat(b.driver.findElement(By.tagName("img")).getAttribute("src")).isNullOrEmpty();
      b.driver.switchTo().defaultContent();

      w.clickRow("Lunch plans");
      w.await().until(d -> d.findElement(By.id("msg-text")));
      w.choose(By.id("move-to"), "Projects");
      w.awaitStatus("Moved to Projects");
      w.folder("Projects");
      w.row("Lunch plans");

      w.folder("INBOX");
      WebElement search = b.driver.findElement(By.id("search"));
      search.sendKeys("from:carol", Keys.ENTER);
      w.awaitStatus("1 found");
      assertThat(w.row("Lunch plans").findElement(By.className("where")).getText()).isEqualTo("Projects");
      search.sendKeys(Keys.ESCAPE);

      w.folder("INBOX");
      w.clickRow("Unpaid invoice");
      w.await().until(d -> d.findElement(By.id("spam"))).click();
      w.awaitStatus("moved to Junk");
      try (Account a = t.server.store().open(alice)) {
        MailboxInfo junk = a.mailbox("Junk").orElseThrow();
        assertThat(a.messages(junk.id())).hasSize(1);
      }
      w.folder("Junk");
      w.row("Unpaid invoice");

      w.folder("INBOX");
      SmtpScript s = t.smtp("smtp");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<friend@remote.example>").expect("250 *");
      s.send("RCPT TO:<" + alice + ">").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("From: friend@remote.example\r\nSubject: Pushed without reload\r\n\r\nhello\r\n.\r\n").expect("250 2.0.0 *");
      w.row("Pushed without reload");
      w.await().until(d -> d.findElement(By.cssSelector("#folders li.current .count")).getText().equals("1"));

      w.assertNoScriptRan();
      b.driver.findElement(By.id("logout")).click();
      w.await().until(d -> d.getCurrentUrl().endsWith("/login"));
      b.driver.get(w.base() + "/mail/");
      w.await().until(d -> d.getCurrentUrl().contains("/login?next="));
    }
  }

  @Test
  void hostileHtmlRunsNoScript() throws Exception {
    String carol = "carol@example.test";
    int n = 0;
    for (String payload : HostileHtml.PAYLOADS) {
      append(carol, "INBOX", """
          From: attacker@evil.example
          To: carol@example.test
          Subject: Hostile %03d
          MIME-Version: 1.0
          Content-Type: text/html; charset=utf-8

          %s
          """.formatted(n++, payload));
    }
    try (Browser b = Browser.start()) {
      WebmailPage w = WebmailPage.login(t, b, carol);
      // the detectors work: a console error and an alert would be seen
      b.driver.executeScript("console.error('probe'); window.alert('probe');");
      assertThat(b.driver.manage().logs().get(LogType.BROWSER).getAll()).anyMatch(e -> e.getMessage().contains("probe"));
      assertThat(((Number) b.driver.executeScript("var n = window.__alerts; window.__alerts = 0;"
          + " document.body.removeAttribute('data-pwned'); return n;")).intValue()).isEqualTo(1);
      new Select(b.driver.findElement(By.id("sort"))).selectByValue("subject");
      w.await().until(d -> d.findElement(By.cssSelector("#messages li.msg .subject")).getText().equals("Hostile 000"));
      for (int i = 0; i < n; i++) {
        String subject = "Hostile %03d".formatted(i);
        if (b.driver.findElements(WebmailPage.rowPath(subject)).isEmpty()) {
          b.driver.findElement(By.id("next")).click(); // the next page, sorted by subject
        }
        w.clickRow(subject);
        w.await().until(d -> d.findElement(By.id("msg-subject")).getText().equals(subject));
        WebElement frame = w.await().until(d -> d.findElement(By.cssSelector("#msg-frame[data-checked]")));
        assertThat(frame.getAttribute("sandbox")).doesNotContain("allow-scripts").doesNotContain("allow-same-origin");
        if (!frame.getAttribute("data-checked").equals("0")) {
          b.driver.findElement(By.id("images-once")).click(); // with remote images allowed, still nothing runs
        }
        b.driver.switchTo().frame(b.driver.findElement(By.id("msg-frame")));
        w.await().until(d -> d.findElement(By.tagName("body")) != null);
        b.driver.switchTo().defaultContent();
      }
      w.assertNoScriptRan();
    }
  }

  @Test
  void repliesBelowTheQuoteWithoutTheSignatureAndForwardsAsAttachment() throws Exception {
    String dave = "dave@example.test";
    append(dave, "INBOX", LUNCH.replace("Carol Example <carol@example.org>", "Bob <bob@example.test>").formatted(dave));
    append(dave, "INBOX", NEWSLETTER.formatted(dave));
    WebSessionClient api = new WebSessionClient(t);
    api.login(dave, TestServer.PASSWORD, null);
    String account = dev.postamt.jmap.Ids.account(dave);
    String identities = api.postJson("/jmap/api", """
        {"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:submission"],"methodCalls":[
         ["Identity/get",{"accountId":"%s"},"i"]]}""".formatted(account), true).body();
    java.util.regex.Matcher id = java.util.regex.Pattern.compile("\\{\"id\":\"([^\"]+)\"").matcher(identities);
    assertThat(id.find()).as(identities).isTrue();
    assertThat(api.postJson("/jmap/api", """
        {"using":["urn:ietf:params:jmap:core","urn:ietf:params:jmap:submission"],"methodCalls":[
         ["Identity/set",{"accountId":"%s","update":{"%s":{"textSignature":"Dave, testing"}}},"s"]]}"""
        .formatted(account, id.group(1)), true).body()).contains("\"updated\"");
    try (Browser b = Browser.start()) {
      WebmailPage w = WebmailPage.login(t, b, dave);
      w.clickRow("Lunch plans");
      w.await().until(d -> d.findElement(By.id("msg-text")));
      b.driver.findElement(By.id("reply")).click();
      WebElement body = w.await().until(d -> d.findElement(By.id("c-body")));
      String text = body.getDomProperty("value");
      assertThat(text).startsWith("On ").contains("Bob wrote:\n> Shall we meet at noon?\n>\n>> Are you free on Friday?\n>>> Only after")
          .doesNotContain("Carol, who signs").endsWith("\n-- \nDave, testing");
      long caret = ((Number) b.driver.executeScript("return arguments[0].selectionStart", body)).longValue();
      assertThat(text.substring(0, (int) caret)).endsWith(">>> Only after the meeting.\n\n");
      assertThat(b.driver.findElement(By.id("c-to")).getDomProperty("value")).isEqualTo("Bob <bob@example.test>");
      body.sendKeys("Noon is fine, a long line that goes on and on so that format=flowed has to break it into pieces.");
      w.screenshot("composer");
      b.driver.findElement(By.id("c-send")).click();
      w.awaitStatus("Sent");
      String got = t.awaitMessageContaining("bob@example.test", "Noon is fine");
      assertThat(got).contains("Subject: Re: Lunch plans").contains("In-Reply-To: <lunch@example.org>")
          .contains("format=flowed").contains("> Shall we meet at noon?").contains(">> Are you free on Friday?")
          .doesNotContain("Carol, who signs").contains("--=20\r\nDave, testing");
      // RFC 3676: the long line is broken after a space, which stays at the end (here as QP =20) as the soft break
      // (QP soft line breaks "=CRLF" taken out first); an empty quoted line is only its marks, not a soft break
      assertThat(got.replace("=\r\n", "")).contains("format=3Dflowed has to=20\r\nbreak it into pieces.\r\n")
          .contains("> Shall we meet at noon?\r\n>\r\n>> Are you free");
      try (Account a = t.server.store().open(dave)) {
        var sent = a.mailbox("Sent").orElseThrow();
        assertThat(a.messages(sent.id())).hasSize(1);
        try (var c = a.open(sent, a.messages(sent.id()).getFirst()).orElseThrow(); var in = c.stream()) {
          String copy = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8); // the copy filed in Sent
          assertThat(copy).contains("> Shall we meet at noon?").contains(">> Are you free on Friday?")
              .doesNotContain("Carol, who signs").contains("--=20\r\nDave, testing").contains("Noon is fine");
        }
        assertThat(a.messages(a.mailbox("Drafts").orElseThrow().id())).isEmpty();
      }

      w.folder("INBOX");
      w.clickRow("Weekly newsletter");
      w.await().until(d -> d.findElement(By.id("forward-attached"))).click();
      w.await().until(d -> d.findElement(By.id("c-to"))).sendKeys("bob@example.test");
      assertThat(b.driver.findElement(By.id("c-att-list")).getText()).contains("Weekly newsletter.eml");
      b.driver.findElement(By.id("c-send")).click();
      w.awaitStatus("Sent");
      String fwd = t.awaitMessageContaining("bob@example.test", "Subject: Fwd: Weekly newsletter");
      assertThat(fwd).contains("Content-Type: message/rfc822").contains("Hello from the newsletter");
      w.assertNoScriptRan();
    }
  }

  @Test
  void onAPhoneOnePaneShowsAtATime() throws Exception {
    String bob = "bob@example.test";
    append(bob, "INBOX", LUNCH.formatted(bob));
    try (Browser b = Browser.start()) {
      b.driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 800));
      WebmailPage w = WebmailPage.login(t, b, bob);
      assertThat(b.driver.findElement(By.id("list-pane")).isDisplayed()).isTrue();
      assertThat(b.driver.findElement(By.id("folders-pane")).isDisplayed()).isFalse();
      assertThat(b.driver.findElement(By.id("reader-pane")).isDisplayed()).isFalse();
      w.clickRow("Lunch plans");
      w.await().until(d -> d.findElement(By.id("reader-pane")).isDisplayed());
      assertThat(b.driver.findElement(By.id("list-pane")).isDisplayed()).isFalse();
      w.await().until(d -> d.findElement(By.id("back")).isDisplayed()); // the reader's header is drawn with the message
      b.driver.findElement(By.id("back")).click();
      w.await().until(d -> d.findElement(By.id("list-pane")).isDisplayed());
      b.driver.findElement(By.id("menu")).click();
      w.await().until(d -> d.findElement(By.id("folders-pane")).isDisplayed());
      w.screenshot("phone");
      w.assertNoScriptRan();
    }
  }
}
