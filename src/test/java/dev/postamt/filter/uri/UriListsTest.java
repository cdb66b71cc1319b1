package dev.postamt.filter.uri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.dns.DnsResult;
import dev.postamt.dns.Resolver;
import dev.postamt.dns.ZoneFileResolver;
import dev.postamt.filter.Authentication;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import dev.postamt.filter.ScannedMessage;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** URI block lists asked through a zone-file resolver; a list that does not answer is skipped. */
class UriListsTest {
  static final String ZONE = """
      $ORIGIN test.
      $TTL 300
      evil.example.multi.uribl.test.      IN A 127.0.0.2
      casino.example.multi.uribl.test.    IN A 127.0.0.4
      spammy.co.uk.dbl.spamhaus.org.  IN A 127.0.1.2
      refused.example.multi.uribl.test.   IN A 127.0.0.1
      9.113.0.203.multi.uribl.test.       IN A 127.0.0.2
      evil.example.multi.uribl.com.       IN A 127.0.0.2
      grey.example.multi.uribl.com.       IN A 127.0.0.4
      """;

  static ScanInput input(String html) {
    String m = "From: a@example.org\r\nSubject: s\r\nContent-Type: text/html\r\n\r\n" + html;
    return new ScanInput(ScannedMessage.of(m.getBytes(java.nio.charset.StandardCharsets.UTF_8)), "", "", null, "",
        List.of("b@example.net"), List.of(), Authentication.NONE, Instant.now());
  }

  static Findings scan(UriLists lists, String html) throws Exception {
    Findings f = new Findings();
    lists.check(input(html), f);
    return f;
  }

  @Test
  void aListedDomainIsASymbolNamingIt() throws Exception {
    UriLists lists = new UriLists(List.of("multi.uribl.test", "dbl.spamhaus.org", "multi.uribl.com"),
        ZoneFileResolver.parse(ZONE), Duration.ofSeconds(2));
    Findings f = scan(lists, "<a href=\"http://www.evil.example/buy\">x</a> <a href=\"https://a.b.spammy.co.uk/\">y</a>"
        + " <a href=\"http://clean.example/\">z</a> <a href=\"http://grey.example/\">g</a>");
    assertThat(f.get("URIBL_MULTI_URIBL_TEST").reason()).isEqualTo("evil.example is listed by multi.uribl.test (127.0.0.2)");
    assertThat(f.get("URIBL_MULTI_URIBL_TEST").score()).isEqualTo(1.5);
    assertThat(f.get("URIBL_DBL_SPAM").reason()).contains("spammy.co.uk is listed by dbl.spamhaus.org (127.0.1.2)");
    assertThat(f.get("URIBL_BLACK").reason()).contains("evil.example");
    assertThat(f.get("URIBL_GREY").reason()).contains("grey.example");
    assertThat(f.all()).noneMatch(s -> s.reason().contains("clean.example"));
  }

  @Test
  void patternAndScoreFromTheConfigAndIpHostsReversed() throws Exception {
    UriLists lists = new UriLists(List.of("multi.uribl.test=127.0.0.2*3.5"), ZoneFileResolver.parse(ZONE), Duration.ofSeconds(2));
    Findings f = scan(lists, "<a href=\"http://203.0.113.9/x\">x</a><a href=\"http://casino.example/\">c</a>");
    assertThat(f.get("URIBL_MULTI_URIBL_TEST").reason()).isEqualTo("9.113.0.203 is listed by multi.uribl.test (127.0.0.2)");
    assertThat(f.get("URIBL_MULTI_URIBL_TEST").score()).isEqualTo(3.5);
  }

  @Test
  void unlistedAndRefusedMeanNothing() throws Exception {
    UriLists lists = new UriLists(List.of("multi.uribl.test"), ZoneFileResolver.parse(ZONE), Duration.ofSeconds(2));
    Findings f = scan(lists, "<a href=\"http://refused.example/\">r</a><a href=\"http://fine.example/\">f</a>");
    assertThat(f.all()).isEmpty();
  }

  @Test
  void aListThatDoesNotAnswerInTimeIsSkipped() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    ZoneFileResolver zone = ZoneFileResolver.parse(ZONE);
    Resolver slow = new Resolver() {
      @Override
      public DnsResult<InetAddress> a(String name) {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return zone.a(name);
      }

      @Override public DnsResult<String> txt(String name) { return zone.txt(name); }
      @Override public DnsResult<InetAddress> aaaa(String name) { return zone.aaaa(name); }
      @Override public DnsResult<Mx> mx(String name) { return zone.mx(name); }
      @Override public DnsResult<String> ptr(InetAddress address) { return zone.ptr(address); }
      @Override public DnsResult<String> cname(String name) { return zone.cname(name); }
      @Override public DnsResult<Tlsa> tlsa(String name) { return zone.tlsa(name); }
    };
    UriLists lists = new UriLists(List.of("multi.uribl.test"), slow, Duration.ofMillis(200));
    long start = System.nanoTime();
    Findings f = scan(lists, "<a href=\"http://www.evil.example/buy\">x</a>");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(f.all()).isEmpty();
    never.countDown();
  }

  @Test
  void badSitesAreLeftOutWithAWarning() throws Exception {
    UriLists lists = new UriLists(List.of("nodots", "multi.uribl.test=999x", "ok.example*2"), ZoneFileResolver.parse("$ORIGIN test.\n"),
        Duration.ofSeconds(1));
    assertThat(lists.warnings()).hasSize(2).allMatch(w -> w.startsWith("spam.uribl: "));
  }

  @Test
  void linkTricks() throws Exception {
    UriLists lists = new UriLists(List.of(), null, Duration.ofSeconds(1));
    Findings f = scan(lists, "<a href=\"http://www.bank.example@evil.example/login\">Log in</a>"
        + "<a href=\"http://3232235777/\">x</a><a href=\"http://%65vil.example/\">y</a>"
        + "<a href=\"https://bit.ly/abc\">z</a><a href=\"https://r.example/go?to=https%3A%2F%2Fevil.example%2F\">w</a>"
        + "<a href=\"http://evil.example/\">https://www.paypal.com/signin</a>");
    assertThat(f.get("HTTP_USERNAME_USED").reason()).isEqualTo("link shows www.bank.example before '@' but goes to evil.example");
    assertThat(f.get("URI_NUMERIC_OBFU").reason()).contains("3232235777", "192.168.1.1");
    assertThat(f.get("HTTP_ESCAPED_HOST").reason()).contains("%65vil.example", "evil.example");
    assertThat(f.get("URI_SHORTENER").reason()).contains("bit.ly");
    assertThat(f.get("URI_OPEN_REDIRECT").reason()).isEqualTo("link to r.example redirects to evil.example");
    assertThat(f.get("URI_TEXT_MISMATCH").reason()).isEqualTo("link text shows www.paypal.com but goes to evil.example");
  }

  @Test
  void honestLinksScoreNothing() throws Exception {
    UriLists lists = new UriLists(List.of(), null, Duration.ofSeconds(1));
    Findings f = scan(lists, "<a href=\"https://www.example.org/news\">www.example.org/news</a>"
        + "<a href=\"https://shop.example.net/\">our shop</a><a href=\"https://example.org/a?ref=home\">x</a>");
    assertThat(f.all()).isEmpty();
  }
}
