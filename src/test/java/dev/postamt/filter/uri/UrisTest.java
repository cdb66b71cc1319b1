package dev.postamt.filter.uri;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.filter.ScannedMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Links as a reader would follow them: obfuscated forms found, hosts normalised. */
class UrisTest {
  static ScannedMessage message(String type, String body) {
    String m = "From: a@example.org\r\nSubject: s\r\nContent-Type: " + type + "; charset=utf-8\r\n\r\n" + body;
    return ScannedMessage.of(m.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void findsObfuscatedFormsInText() {
    ScannedMessage m = message("text/plain", """
        Plain: https://shop.example/a?b=1.
        Defanged: hxxp://evil[.]example/login and hxxps://phish(dot)example/x
        Bare: visit cheap-pills.example.ru/now, or www.casino.example.com!
        Spaced: bad [.] example [.] net
        Mail: someone@mail.example.org is no link.
        """);
    assertThat(Uris.of(m)).contains("https://shop.example/a?b=1", "http://evil.example/login", "https://phish.example/x",
        "http://cheap-pills.example.ru/now", "http://www.casino.example.com", "http://bad.example.net");
    assertThat(Uris.hosts(m)).doesNotContain("mail.example.org");
  }

  /** Each form alone in its text, so that each pattern's literal pre-check is what lets it run. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "see hxxp://evil[.]example/login now | http://evil.example/login",
    "see evil(dot)example.com/x now | http://evil.example.com/x",
    "see h**ps://phish.example/x now | https://phish.example/x",
    "SEE WWW.CASINO.EXAMPLE.COM NOW | http://WWW.CASINO.EXAMPLE.COM",
    "see ftp://files.example/a now | ftp://files.example/a",
    "see Cheap-Pills.Example.RU/now | http://Cheap-Pills.Example.RU/now",
    "ends with shop.example.com | http://shop.example.com",
  })
  void findsEachFormOnItsOwn(String text, String uri) {
    assertThat(Uris.of(message("text/plain", text + "\r\n"))).contains(uri);
  }

  @Test
  void aLongTextWithoutLinksHasNone() {
    String line = "1" + "X".repeat(78) + "\r\n";
    ScannedMessage m = message("text/plain", line.repeat(1300) + "Version 2.0 (beta) [draft] a.1\r\n");
    assertThat(Uris.of(m)).isEmpty();
  }

  @Test
  void findsHtmlLinksAndTheUrlInsideARedirect() {
    ScannedMessage m = message("text/html", "<p><a href=\"https://r.example/click?u=https%3A%2F%2Fevil.example%2Fx&id=3\">"
        + "here</a><img src=\"http://img.example/p.gif\"></p>");
    assertThat(Uris.of(m)).contains("https://r.example/click?u=https%3A%2F%2Fevil.example%2Fx&id=3",
        "http://img.example/p.gif", "https://evil.example/x");
    assertThat(Uris.hosts(m)).containsExactly("r.example", "img.example", "evil.example");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      http://www.Example.COM./path                | www.example.com
      http://www.bank.example@evil.example/login  | evil.example
      http://user:pw@evil.example:8080/x          | evil.example
      http://%65%76%69%6c.example/                | evil.example
      http://3232235777/                          | 192.168.1.1
      http://0xC0A80101/                          | 192.168.1.1
      http://0300.0250.01.01/                     | 192.168.1.1
      http://192.168.257/                         | 192.168.1.1
      http://[2001:DB8::1]:80/                    | 2001:db8::1
      http://bücher.example/                      | xn--bcher-kva.example
      mailto:sales@shop.example?subject=hi        | shop.example
      www.example.net/x                           | www.example.net
      cid:part1@example                           | ''
      javascript:alert(1)                         | ''
      /relative/link                              | ''
      http://3com.example/                        | 3com.example
      """)
  void normalisesHosts(String uri, String host) {
    assertThat(Uris.host(uri)).isEqualTo(host);
  }

  @Test
  void tellsDisguisedHostsFromPlainOnes() {
    assertThat(Uris.hostObfuscated("http://3232235777/")).isTrue();
    assertThat(Uris.hostObfuscated("http://%65vil.example/")).isTrue();
    assertThat(Uris.hostObfuscated("http://192.168.1.1/")).isFalse();
    assertThat(Uris.hostObfuscated("http://example.org/%20x")).isFalse();
    assertThat(Uris.userInfo("http://www.bank.example@evil.example/")).isEqualTo("www.bank.example");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      www.shop.example.co.uk | example.co.uk
      a.b.example.com        | example.com
      example.com            | example.com
      localhost              | localhost
      x.y.blogspot.com       | y.blogspot.com
      [192.0.2.1]            | 192.0.2.1
      """)
  void registeredDomains(String host, String registered) {
    assertThat(Domains.registered(host)).isEqualTo(registered);
  }

  @Test
  void thePreChecksAgreeWithAPlainSearch() {
    java.util.Random rnd = new java.util.Random(11);
    String alphabet = "wWW.aZ ./-:é\u0130";
    for (int round = 0; round < 2000; round++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0, n = rnd.nextInt(40); i < n; i++) {
        b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String s = b.toString();
      String ascii = s.replace('\u0130', 'I'); // the plain search below lowers ASCII letters only
      assertThat(Uris.containsAsciiIgnoreCase(s, "www.")).as(s)
          .isEqualTo(ascii.toLowerCase(java.util.Locale.ROOT).contains("www."));
      assertThat(Uris.containsAsciiIgnoreCase(s, "w")).as(s).isEqualTo(ascii.toLowerCase(java.util.Locale.ROOT).contains("w"));
      boolean dotLetter = java.util.regex.Pattern.compile("\\.[A-Za-z]").matcher(s).find();
      assertThat(Uris.hasDotBeforeLetter(s)).as(s).isEqualTo(dotLetter);
      assertThat(Uris.hasDotBeforeLetter(new StringBuilder(s))).as(s).isEqualTo(dotLetter);
    }
  }

  private static final String[] PIECES = {"http://", "https://", "HTTP://", "ftp://", "www.", "WWW.", "hxxp", "hXXps", "h**p",
      "htxp", "[:]//", "://", "//", "example", "com", "net", ".ru", "x-y", "a1", "Z", "_", "@", "-", ".", "/", ":", "?q=1",
      " ", "  ", "\n", "\t", "\u00a0", "é", "ÿ", "\u2003", "[", "]", "(", ")", "{", "}", "[.]", "(dot)", "{ DOT }", "[ .",
      "dot", "<", ">", "\"", "'", ",", "!", "*", "1", "192.0.2.1", "shop.example.co.uk/p"};

  /** fromText as it was: every pattern run with find() over the whole text (the reference). */
  private static java.util.Set<String> reference(String text) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    String t = text;
    java.util.regex.Pattern dot = java.util.regex.Pattern.compile(
        "(?i)\\s?(?:\\[\\s?(?:\\.|dot)\\s?\\]|\\(\\s?(?:\\.|dot)\\s?\\)|\\{\\s?(?:\\.|dot)\\s?\\})\\s?");
    java.util.regex.Pattern scheme =
        java.util.regex.Pattern.compile("(?i)\\b(?:hxxp|h\\*\\*p|hxtp|htxp)(s?)(?=\\s?:\\s?//|\\[:\\]//)");
    java.util.regex.Pattern inText = java.util.regex.Pattern.compile("(?i)\\b(?:(?:https?|ftp)://|www\\.)[^\\s<>\"'()\\[\\]{}]+");
    java.util.regex.Pattern trailing = java.util.regex.Pattern.compile("[.,;:!?*>]+$");
    t = dot.matcher(t).replaceAll(".");
    t = scheme.matcher(t).replaceAll("http$1");
    t = t.replace("[:]//", "://");
    java.util.regex.Matcher u = inText.matcher(t);
    StringBuilder r = new StringBuilder();
    int last = 0;
    while (u.find()) {
      String s = trailing.matcher(u.group()).replaceAll("");
      out.add(s.regionMatches(true, 0, "www.", 0, 4) ? "http://" + s : s);
      r.append(t, last, u.start()).append(' ');
      last = u.end();
    }
    r.append(t, last, t.length());
    java.util.regex.Matcher b = java.util.regex.Pattern.compile(
        "(?i)(?<![@\\w.\\-/:])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.){1,8}(?:com|net|org|info|biz|us|uk|de|ru|cn|"
            + "jp|fr|it|nl|pl|br|au|ca|in|eu|io|co|tv|cc|ws|xyz|top|online|site|club|shop|store|app|ly|gl|su|tk|ml|ga|cf|gq|"
            + "pw|icu|live|click|link|work|email|today|space|website|fun|vip))(/[^\\s<>\"']*)?(?![\\w-])").matcher(r);
    while (b.find()) {
      out.add("http://" + trailing.matcher(b.group()).replaceAll(""));
    }
    return out;
  }

  /**
   * The URLs of a text are what the patterns found when each ran over the whole text: now each is tried
   * only where one of its matches can begin, and skipped when the text lacks what every match holds.
   */
  @Test
  void linksInTextAreWhatTheWholeTextSearchFound() {
    java.util.Random rnd = new java.util.Random(27);
    int found = 0;
    for (int round = 0; round < 4000; round++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0, n = rnd.nextInt(60); i < n; i++) {
        b.append(PIECES[rnd.nextInt(PIECES.length)]);
      }
      String text = b.toString();
      java.util.Set<String> out = new java.util.LinkedHashSet<>();
      Uris.fromText(text, out);
      assertThat(out).as(text).containsExactlyElementsOf(reference(text));
      found += out.size();
    }
    assertThat(found).isGreaterThan(2000);
  }
}
