package dev.postamt.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium driven through WebDriver (Selenium with Debian's chromium-driver), headless, with
 * a fresh profile and the flags that keep it off the network. A test that needs it calls {@link
 * #start()}, which skips the test with a message saying so when Chromium or ChromeDriver is not
 * installed ({@code .ci/run} installs both).
 */
public final class Browser implements AutoCloseable {
  /**
   * The resource lock every browser test class holds ({@code @ResourceLock(Browser.LOCK)}): one
   * Chromium at a time, so two browsers do not starve each other of the two cores, and each test
   * class may take longer than the suite's default time-out.
   */
  public static final String LOCK = "chromium";
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  public final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** A headless Chromium, or the calling test skipped when it is not installed. */
  public static Browser start() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
        "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver): browser test skipped");
    Path profile = Files.createTempDirectory("postamt-chromium");
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--window-size=1280,900", "--user-data-dir=" + profile);
    o.setCapability("goog:loggingPrefs", java.util.Map.of("browser", "ALL")); // console messages, for tests that check them
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
    ChromeDriver d = new ChromeDriver(service, o);
    d.manage().timeouts().implicitlyWait(Duration.ofSeconds(5));
    d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return new Browser(d, profile);
  }

  /** Saves a PNG of the page as it is now. */
  public void screenshot(Path file) throws Exception {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (var walk = Files.walk(profile)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (Exception ignored) {
        // a temp directory
      }
    }
  }
}
