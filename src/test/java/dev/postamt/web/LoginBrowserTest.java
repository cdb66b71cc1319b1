package dev.postamt.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.Browser;
import dev.postamt.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/** The login form in Debian's Chromium: a wrong password is said so, the right one starts a session. */
@org.junit.jupiter.api.parallel.ResourceLock(dev.postamt.testing.Browser.LOCK)
@org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
class LoginBrowserTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http");

  @Test
  void logsInThroughTheFormInARealBrowser() throws Exception {
    try (Browser b = Browser.start()) {
      String base = "http://127.0.0.1:" + t.port("http");
      b.driver.get(base + "/login");
      b.driver.findElement(By.id("address")).sendKeys("alice@example.test");
      b.driver.findElement(By.id("password")).sendKeys("wrong");
      b.driver.findElement(By.id("login")).click();
      assertThat(b.driver.findElement(By.cssSelector(".notice.error")).getText()).contains("wrong");
      b.driver.findElement(By.id("password")).sendKeys(TestServer.PASSWORD);
      b.driver.findElement(By.id("login")).click();
      // the form's POST answers with a redirect away from /login once the session is made: wait for it, or
      // the next navigation may cancel the POST still in flight on a busy machine
      new org.openqa.selenium.support.ui.WebDriverWait(b.driver, java.time.Duration.ofSeconds(30))
          .until(d -> !java.net.URI.create(d.getCurrentUrl()).getPath().startsWith("/login"));
      b.driver.get(base + "/login/session");
      assertThat(b.driver.getPageSource()).contains("alice@example.test");
    }
  }
}
