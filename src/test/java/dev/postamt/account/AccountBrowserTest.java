package dev.postamt.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.directory.Totp;
import dev.postamt.imap.ImapClient;
import dev.postamt.sieve.store.Vacations;
import dev.postamt.testing.Browser;
import dev.postamt.testing.TestServer;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The account pages in Debian's Chromium: log in, make an app password (which then logs in over IMAP),
 * add a filter rule, set a vacation reply, turn on the second factor. With {@code
 * -Dpostamt.screenshots=DIR} it saves the pages as {@code DIR/account-*.png} for the docs.
 */
@org.junit.jupiter.api.parallel.ResourceLock(dev.postamt.testing.Browser.LOCK)
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class AccountBrowserTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http");

  private static void shot(Browser b, String name) throws Exception {
    String dir = System.getProperty("postamt.screenshots");
    if (dir != null && !dir.isBlank()) {
      b.screenshot(Path.of(dir, "account-" + name + ".png"));
    }
  }

  @Test
  void aUserLooksAfterTheirAccountInARealBrowser() throws Exception {
    MemoryVacations vacations = new MemoryVacations();
    String user = "alice@example.test";
    try (AccountWeb web = new AccountWeb(t, vacations); Browser b = Browser.start()) {
      b.driver.manage().timeouts().implicitlyWait(java.time.Duration.ofSeconds(10)); // a page still loading after a click
      b.driver.get(web.base + "/login?next=/account/");
      b.driver.findElement(By.id("address")).sendKeys(user);
      b.driver.findElement(By.id("password")).sendKeys(TestServer.PASSWORD);
      b.driver.findElement(By.id("login")).click();
      // the login page has an "address" field too: wait for the overview's, not the page being left
      new org.openqa.selenium.support.ui.WebDriverWait(b.driver, java.time.Duration.ofSeconds(20))
          .until(org.openqa.selenium.support.ui.ExpectedConditions.textToBe(By.id("address"), user));
      assertThat(b.driver.findElement(By.id("address")).getText()).isEqualTo(user);
      shot(b, "overview");

      // an app password, shown once, that logs in over IMAP
      b.driver.findElement(By.id("menu-app-passwords")).click();
      b.driver.findElement(By.id("name")).sendKeys("Thunderbird on the laptop");
      b.driver.findElement(By.id("create-app-password")).click();
      String secret = b.driver.findElement(By.id("secret")).getText();
      assertThat(secret).matches("[a-z2-9]{4}(-[a-z2-9]{4}){4}");
      try (ImapClient imap = new ImapClient("127.0.0.1", t.port("imap"))) {
        imap.greeting();
        imap.run("a LOGIN " + user + " " + secret, "a OK *");
      }
      shot(b, "app-passwords");

      // an API token, shown once
      b.driver.findElement(By.id("menu-tokens")).click();
      b.driver.findElement(By.id("name")).sendKeys("backup script");
      b.driver.findElement(By.id("create-token")).click();
      assertThat(b.driver.findElement(By.id("secret")).getText()).startsWith("pat_");
      assertThat(b.driver.findElement(By.id("tokens")).getText()).contains("backup script");
      shot(b, "tokens");

      // a filter rule
      b.driver.findElement(By.id("menu-filters")).click();
      new Select(b.driver.findElement(By.id("field"))).selectByValue("subject");
      new Select(b.driver.findElement(By.id("match"))).selectByValue("contains");
      b.driver.findElement(By.id("text")).sendKeys("[list]");
      new Select(b.driver.findElement(By.id("action"))).selectByValue("fileinto");
      b.driver.findElement(By.id("argument")).sendKeys("Lists");
      b.driver.findElement(By.id("add-rule")).click();
      assertThat(b.driver.findElement(By.id("rules")).getText()).contains("When Subject contains \u201c[list]\u201d: Move to folder Lists");
      new Select(b.driver.findElement(By.id("field"))).selectByValue("from");
      b.driver.findElement(By.id("text")).sendKeys("boss@example.org");
      new Select(b.driver.findElement(By.id("action"))).selectByValue("flag");
      b.driver.findElement(By.id("add-rule")).click();
      // the click posts the form; wait for the page it leads to rather than reading the old one
      new org.openqa.selenium.support.ui.WebDriverWait(b.driver, java.time.Duration.ofSeconds(20))
          .until(d -> d.findElements(By.cssSelector("#rules li")).size() == 2);
      assertThat(b.driver.findElements(By.cssSelector("#rules li"))).hasSize(2);
      assertThat(t.server.sieveScripts().active(user).orElseThrow().name()).isEqualTo(FilterRules.SCRIPT_NAME);
      shot(b, "filters");

      // the raw editor refuses a broken script and says where
      b.driver.findElement(By.id("open-raw")).click();
      WebElement script = b.driver.findElement(By.id("script"));
      script.sendKeys("\nif header :contains \"subject\" \"oops\" {\n  fileinto \"x\"\n}\n");
      b.driver.findElement(By.id("save-script")).click();
      assertThat(b.driver.findElement(By.id("sieve-errors")).getText()).containsPattern("\\d+:\\d+: ");
      assertThat(FilterRules.read(t.server.sieveScripts().active(user).orElseThrow().text())).get().asList().hasSize(2);
      shot(b, "sieve-editor");

      // a vacation reply
      b.driver.findElement(By.id("menu-vacation")).click();
      b.driver.findElement(By.id("enabled")).click();
      b.driver.findElement(By.id("subject")).sendKeys("Away until Monday");
      b.driver.findElement(By.id("body")).sendKeys("I am away and read mail on Monday.");
      b.driver.findElement(By.id("save-vacation")).click();
      assertThat(b.driver.findElement(By.cssSelector(".notice.ok")).getText()).contains("saved");
      Vacations.Vacation v = vacations.get(user);
      assertThat(v.enabled()).isTrue();
      assertThat(v.subject()).isEqualTo("Away until Monday");
      shot(b, "vacation");

      // the second factor, confirmed with a code
      b.driver.findElement(By.id("menu-two-factor")).click();
      b.driver.findElement(By.id("turn-on")).click();
      String key = b.driver.findElement(By.id("totp-secret")).getText().replace(" ", "");
      shot(b, "two-factor");
      b.driver.findElement(By.id("code")).sendKeys(Totp.code(key, Instant.now()));
      b.driver.findElement(By.id("confirm-code")).click();
      assertThat(b.driver.findElement(By.id("two-factor-state")).getText()).contains("on");

      // a password too short is said so next to the field
      b.driver.findElement(By.id("menu-password")).click();
      b.driver.findElement(By.id("current")).sendKeys(TestServer.PASSWORD);
      b.driver.findElement(By.id("password")).sendKeys("0123456789");
      b.driver.findElement(By.id("again")).sendKeys("0123456789!");
      b.driver.findElement(By.id("change-password")).click();
      assertThat(b.driver.findElement(By.cssSelector(".field-error")).getText()).contains("differ");
      shot(b, "password");

      b.driver.findElement(By.id("menu-overview")).click();
      assertThat(b.driver.findElement(By.id("card-filters")).getText()).contains("2 rules");
      assertThat(b.driver.findElement(By.id("card-two-factor")).getText()).contains("on");
      shot(b, "overview");
    }
  }
}
