package dev.postamt.webmail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.store.Account;
import dev.postamt.testing.Browser;
import dev.postamt.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The webmail as the browser tests drive it: logged in as one user of a {@link TestServer}, with
 * explicit waits only (what must be absent is checked too), clicks retried inside the wait (the app
 * redraws lists as mail changes), and the checks that no script of a message ran.
 */
final class WebmailPage {
  final TestServer t;
  final Browser b;

  private WebmailPage(TestServer t, Browser b) {
    this.t = t;
    this.b = b;
  }

  static void append(TestServer t, String user, String folder, String message) {
    append(t, user, folder, message, System.currentTimeMillis());
  }

  /** Stores {@code message} (LF line ends made CRLF) in {@code folder}, arrived at {@code receivedAt} (epoch ms). */
  static void append(TestServer t, String user, String folder, String message, long receivedAt) {
    byte[] m = message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    try (Account a = t.server.store().open(user)) {
      a.append(folder, new ByteArrayInputStream(m), m.length, Set.of(), receivedAt);
    }
  }

  String base() {
    return "http://127.0.0.1:" + t.port("http");
  }

  /** Logs {@code user} in at {@code /login?next=/mail/}, waits for the app, and hooks alert, confirm and prompt. */
  static WebmailPage login(TestServer t, Browser b, String user) {
    WebmailPage w = new WebmailPage(t, b);
    b.driver.manage().timeouts().implicitlyWait(Duration.ZERO);
    b.driver.get(w.base() + "/login?next=/mail/");
    b.driver.findElement(By.id("address")).sendKeys(user);
    b.driver.findElement(By.id("password")).sendKeys(TestServer.PASSWORD);
    b.driver.findElement(By.id("login")).click();
    w.await().until(d -> d.findElement(By.tagName("body")).getAttribute("class").contains("ready"));
    b.driver.executeScript("window.__alerts = 0; window.alert = window.confirm = window.prompt = function () {"
        + " window.__alerts++; document.body.setAttribute('data-pwned', 'alert'); };");
    return w;
  }

  WebDriverWait await() {
    WebDriverWait w = new WebDriverWait(b.driver, Duration.ofSeconds(15));
    w.ignoring(org.openqa.selenium.StaleElementReferenceException.class); // the app redraws lists as mail changes
    w.ignoring(org.openqa.selenium.ElementClickInterceptedException.class); // and the busy bar may be over a row a moment
    w.pollingEvery(Duration.ofMillis(50));
    return w;
  }

  /** The list row of the message with this subject, once it is there. */
  WebElement row(String subject) {
    return await().until(d -> d.findElements(rowPath(subject)).stream().findFirst().orElse(null));
  }

  static By rowPath(String subject) {
    return By.xpath("//ul[@id='messages']/li[contains(@class,'msg')][span[@class='subject'][contains(., '" + subject + "')]]");
  }

  static By folderPath(String name) {
    return By.xpath("//ul[@id='folders']//button[span[@class='name'][text()='" + name + "']]");
  }

  void folder(String name) {
    await().until(d -> {
      d.findElement(folderPath(name)).click();
      return true;
    });
  }

  void clickRow(String subject) {
    await().until(d -> {
      d.findElement(rowPath(subject)).click();
      return true;
    });
  }

  void click(By by) {
    await().until(d -> {
      d.findElement(by).click();
      return true;
    });
  }

  /** Picks {@code text} in the select {@code by}, retried while the app redraws its options. */
  void choose(By by, String text) {
    await().until(d -> {
      new org.openqa.selenium.support.ui.Select(d.findElement(by)).selectByVisibleText(text);
      return true;
    });
  }

  void awaitStatus(String text) {
    await().until(d -> d.findElement(By.id("status")).getText().contains(text));
  }

  /** Until every request the page started has been answered (the page marks {@code body.busy} meanwhile). */
  void awaitNotBusy() {
    await().until(d -> !String.valueOf(d.findElement(By.tagName("body")).getAttribute("class")).contains("busy"));
  }

  /** No alert, no marker, no console warning or error (a payload blocked by the CSP alone would log one). */
  void assertNoScriptRan() {
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

  /** With {@code -Dpostamt.screenshots=DIR}: saves {@code DIR/webmail-NAME.png}. */
  void screenshot(String name) throws Exception {
    String dir = System.getProperty("postamt.screenshots");
    if (dir != null && !dir.isBlank()) {
      b.screenshot(Path.of(dir).resolve("webmail-" + name + ".png"));
    }
  }
}
