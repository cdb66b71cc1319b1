package dev.postamt.webmail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.Account;
import dev.postamt.store.MailboxInfo;
import dev.postamt.testing.Browser;
import dev.postamt.testing.SmtpScript;
import dev.postamt.testing.TestServer;
import dev.postamt.web.WebSessionClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

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
    byte[] b = message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    try (Account a = t.server.store().open(user)) {
      a.append(folder, new ByteArrayInputStream(b), b.length, Set.of(), System.currentTimeMillis());
    }
  }

  static String base() {
    return "http://127.0.0.1:" + t.port("http");
  }

  static WebDriverWait await(Browser b) {
    WebDriverWait w = new WebDriverWait(b.driver, Duration.ofSeconds(15));
    w.ignoring(org.openqa.selenium.StaleElementReferenceException.class); // the app redraws lists as mail changes
    w.pollingEvery(Duration.ofMillis(50));
    return w;
  }

  static void login(Browser b, String user) {
    b.driver.manage().timeouts().implicitlyWait(Duration.ZERO); // explicit waits only: absent things are checked too
    b.driver.get(base() + "/login?next=/mail/");
    b.driver.findElement(By.id("address")).sendKeys(user);
    b.driver.findElement(By.id("password")).sendKeys(TestServer.PASSWORD);
    b.driver.findElement(By.id("login")).click();
    await(b).until(d -> d.findElement(By.tagName("body")).getAttribute("class").contains("ready"));
    b.driver.executeScript("window.__alerts = 0; window.alert = window.confirm = window.prompt = function () {"
        + " window.__alerts++; document.body.setAttribute('data-pwned', 'alert'); };");
  }

  /** The list row of the message with this subject, once it is there. */
  static WebElement row(Browser b, String subject) {
    return await(b).until(d -> d.findElements(rowPath(subject)).stream().findFirst().orElse(null));
  }

  static By rowPath(String subject) {
    return By.xpath("//ul[@id='messages']/li[contains(@class,'msg')][span[@class='subject'][contains(., '" + subject + "')]]");
  }

  /** Clicks inside the wait: the app may redraw the element between finding and clicking it (a stale reference is retried). */
  static void folder(Browser b, String name) {
    await(b).until(d -> {
      d.findElement(By.xpath("//ul[@id='folders']//button[span[@class='name'][text()='" + name + "']]")).click();
      return true;
    });
  }

  static void clickRow(Browser b, String subject) {
    await(b).until(d -> {
      d.findElement(rowPath(subject)).click();
      return true;
    });
  }

  static void awaitStatus(Browser b, String text) {
    await(b).until(d -> d.findElement(By.id("status")).getText().contains(text));
  }

  /** No alert, no marker, no console error (a payload blocked by the CSP alone would log one). */
  static void assertNoScriptRan(Browser b) {
    try {
      b.driver.switchTo().alert();
      throw new AssertionError("an alert is open: " + b.driver.switchTo().alert().getText());
    } catch (NoAlertPresentException expected) {
      // none
    }
    b.driver.switchTo().defaultContent();
    assertThat(b.driver.findElement(By.tagName("body")).getAttribute("data-pwned")).isNull();
    assertThat(((Number) b.driver.executeScript("return window.__alerts")).intValue()).isZero();
    List<String> errors = b.driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue())
        .map(LogEntry::getMessage).filter(m -> !m.contains("favicon.ico"))
        .filter(m -> !m.contains("net::ERR_NAME_NOT_RESOLVED") && !m.contains("net::ERR_CONNECTION_REFUSED")) // remote images, once allowed
        .toList();
    assertThat(errors).as("console errors").isEmpty();
  }

  static void screenshot(Browser b, String name) throws Exception {
    String dir = System.getProperty("postamt.screenshots");
    if (dir != null && !dir.isBlank()) {
      b.screenshot(Path.of(dir).resolve("webmail-" + name + ".png"));
    }
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
      login(b, alice);
      assertThat(b.driver.findElement(By.cssSelector("#folders li.current .name")).getText()).isEqualTo("INBOX");
      assertThat(b.driver.findElement(By.cssSelector("#folders li.current .count")).getText()).isEqualTo("3");

      clickRow(b, "Lunch plans");
      WebElement text = await(b).until(d -> d.findElement(By.id("msg-text")));
      assertThat(text.getText()).contains("Shall we meet at noon?").contains("Carol, who signs every mail");
      assertThat(b.driver.findElement(By.cssSelector("#msg-text .quote.q1")).getText()).contains("Are you free on Friday?");
      assertThat(b.driver.findElement(By.cssSelector("#msg-text .quote.q2")).getText()).contains("Only after the meeting.");
      await(b).until(d -> d.findElement(By.cssSelector("#folders li.current .count")).getText().equals("2"));
      screenshot(b, "reader-plain");

      clickRow(b, "Weekly newsletter");
      WebElement bar = await(b).until(d -> d.findElement(By.id("images-bar")));
      assertThat(bar.getText()).contains("1 remote image blocked");
      screenshot(b, "reader");
      b.driver.switchTo().frame(b.driver.findElement(By.id("msg-frame")));
      assertThat(b.driver.findElement(By.tagName("h1")).getText()).isEqualTo("Hello from the newsletter");
      assertThat(b.driver.findElement(By.tagName("img")).getAttribute("src")).isNullOrEmpty();
      b.driver.switchTo().defaultContent();
      screenshot(b, "inbox");

      clickRow(b, "Lunch plans");
      await(b).until(d -> d.findElement(By.id("msg-text")));
      new Select(b.driver.findElement(By.id("move-to"))).selectByVisibleText("Projects");
      awaitStatus(b, "Moved to Projects");
      folder(b, "Projects");
      row(b, "Lunch plans");

      folder(b, "INBOX");
      WebElement search = b.driver.findElement(By.id("search"));
      search.sendKeys("from:carol", Keys.ENTER);
      awaitStatus(b, "1 found");
      assertThat(row(b, "Lunch plans").findElement(By.className("where")).getText()).isEqualTo("Projects");
      search.sendKeys(Keys.ESCAPE);

      folder(b, "INBOX");
      clickRow(b, "Unpaid invoice");
      await(b).until(d -> d.findElement(By.id("spam"))).click();
      awaitStatus(b, "moved to Junk");
      try (Account a = t.server.store().open(alice)) {
        MailboxInfo junk = a.mailbox("Junk").orElseThrow();
        assertThat(a.messages(junk.id())).hasSize(1);
      }
      folder(b, "Junk");
      row(b, "Unpaid invoice");

      folder(b, "INBOX");
      SmtpScript s = t.smtp("smtp");
      s.send("EHLO client.example").read();
      s.send("MAIL FROM:<friend@remote.example>").expect("250 *");
      s.send("RCPT TO:<" + alice + ">").expect("250 *");
      s.send("DATA").expect("354 *");
      s.raw("From: friend@remote.example\r\nSubject: Pushed without reload\r\n\r\nhello\r\n.\r\n").expect("250 2.0.0 *");
      row(b, "Pushed without reload");
      await(b).until(d -> d.findElement(By.cssSelector("#folders li.current .count")).getText().equals("1"));

      assertNoScriptRan(b);
      b.driver.findElement(By.id("logout")).click();
      await(b).until(d -> d.getCurrentUrl().endsWith("/login"));
      b.driver.get(base() + "/mail/");
      await(b).until(d -> d.getCurrentUrl().contains("/login?next="));
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
      login(b, carol);
      // the detectors work: a console error and an alert would be seen
      b.driver.executeScript("console.error('probe'); window.alert('probe');");
      assertThat(b.driver.manage().logs().get(LogType.BROWSER).getAll()).anyMatch(e -> e.getMessage().contains("probe"));
      assertThat(((Number) b.driver.executeScript("var n = window.__alerts; window.__alerts = 0;"
          + " document.body.removeAttribute('data-pwned'); return n;")).intValue()).isEqualTo(1);
      new Select(b.driver.findElement(By.id("sort"))).selectByValue("subject");
      await(b).until(d -> d.findElement(By.cssSelector("#messages li.msg .subject")).getText().equals("Hostile 000"));
      for (int i = 0; i < n; i++) {
        String subject = "Hostile %03d".formatted(i);
        if (b.driver.findElements(rowPath(subject)).isEmpty()) {
          b.driver.findElement(By.id("next")).click(); // the next page, sorted by subject
        }
        clickRow(b, subject);
        await(b).until(d -> d.findElement(By.id("msg-subject")).getText().equals(subject));
        WebElement frame = await(b).until(d -> d.findElement(By.cssSelector("#msg-frame[data-checked]")));
        assertThat(frame.getAttribute("sandbox")).doesNotContain("allow-scripts").doesNotContain("allow-same-origin");
        if (!frame.getAttribute("data-checked").equals("0")) {
          b.driver.findElement(By.id("images-once")).click(); // with remote images allowed, still nothing runs
        }
        b.driver.switchTo().frame(b.driver.findElement(By.id("msg-frame")));
        await(b).until(d -> d.findElement(By.tagName("body")) != null);
        b.driver.switchTo().defaultContent();
      }
      assertNoScriptRan(b);
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
      login(b, dave);
      clickRow(b, "Lunch plans");
      await(b).until(d -> d.findElement(By.id("msg-text")));
      b.driver.findElement(By.id("reply")).click();
      WebElement body = await(b).until(d -> d.findElement(By.id("c-body")));
      String text = body.getDomProperty("value");
      assertThat(text).startsWith("On ").contains("Bob wrote:\n> Shall we meet at noon?\n>\n>> Are you free on Friday?\n>>> Only after")
          .doesNotContain("Carol, who signs").endsWith("\n-- \nDave, testing");
      long caret = ((Number) b.driver.executeScript("return arguments[0].selectionStart", body)).longValue();
      assertThat(text.substring(0, (int) caret)).endsWith(">>> Only after the meeting.\n\n");
      assertThat(b.driver.findElement(By.id("c-to")).getDomProperty("value")).isEqualTo("Bob <bob@example.test>");
      body.sendKeys("Noon is fine, a long line that goes on and on so that format=flowed has to break it into pieces.");
      screenshot(b, "composer");
      b.driver.findElement(By.id("c-send")).click();
      awaitStatus(b, "Sent");
      String got = t.awaitMessageContaining("bob@example.test", "Noon is fine");
      assertThat(got).contains("Subject: Re: Lunch plans").contains("In-Reply-To: <lunch@example.org>")
          .contains("format=flowed").contains("> Shall we meet at noon?").contains(">> Are you free on Friday?")
          .doesNotContain("Carol, who signs").contains("--=20\r\nDave, testing");
      // RFC 3676: the long line is broken after a space, which stays at the end (here as QP =20) as the soft break
      // (QP soft line breaks "=CRLF" taken out first); an empty quoted line is only its marks, not a soft break
      assertThat(got.replace("=\r\n", "")).contains("format=3Dflowed has to=20\r\nbreak it into pieces.\r\n")
          .contains("> Shall we meet at noon?\r\n>\r\n>> Are you free");
      try (Account a = t.server.store().open(dave)) {
        assertThat(a.messages(a.mailbox("Sent").orElseThrow().id())).hasSize(1);
        assertThat(a.messages(a.mailbox("Drafts").orElseThrow().id())).isEmpty();
      }

      folder(b, "INBOX");
      clickRow(b, "Weekly newsletter");
      await(b).until(d -> d.findElement(By.id("forward-attached"))).click();
      await(b).until(d -> d.findElement(By.id("c-to"))).sendKeys("bob@example.test");
      assertThat(b.driver.findElement(By.id("c-att-list")).getText()).contains("Weekly newsletter.eml");
      b.driver.findElement(By.id("c-send")).click();
      awaitStatus(b, "Sent");
      String fwd = t.awaitMessageContaining("bob@example.test", "Subject: Fwd: Weekly newsletter");
      assertThat(fwd).contains("Content-Type: message/rfc822").contains("Hello from the newsletter");
      assertNoScriptRan(b);
    }
  }

  @Test
  void onAPhoneOnePaneShowsAtATime() throws Exception {
    String bob = "bob@example.test";
    append(bob, "INBOX", LUNCH.formatted(bob));
    try (Browser b = Browser.start()) {
      b.driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 800));
      login(b, bob);
      assertThat(b.driver.findElement(By.id("list-pane")).isDisplayed()).isTrue();
      assertThat(b.driver.findElement(By.id("folders-pane")).isDisplayed()).isFalse();
      assertThat(b.driver.findElement(By.id("reader-pane")).isDisplayed()).isFalse();
      clickRow(b, "Lunch plans");
      await(b).until(d -> d.findElement(By.id("reader-pane")).isDisplayed());
      assertThat(b.driver.findElement(By.id("list-pane")).isDisplayed()).isFalse();
      b.driver.findElement(By.id("back")).click();
      await(b).until(d -> d.findElement(By.id("list-pane")).isDisplayed());
      b.driver.findElement(By.id("menu")).click();
      await(b).until(d -> d.findElement(By.id("folders-pane")).isDisplayed());
      screenshot(b, "phone");
      assertNoScriptRan(b);
    }
  }
}
