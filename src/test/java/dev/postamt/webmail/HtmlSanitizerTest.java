package dev.postamt.webmail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The sanitiser on hostile HTML (nothing that runs or reaches out survives) and on ordinary mail (it stays readable). */
class HtmlSanitizerTest {
  private static final Set<String> FORBIDDEN_TAGS = Set.of("script", "style", "link", "meta", "base", "iframe", "frame",
      "object", "embed", "form", "input", "button", "textarea", "select", "svg", "math", "noscript", "template",
      "video", "audio", "source", "details", "xss", "body", "head");

  static final java.util.List<String> PAYLOADS = HostileHtml.PAYLOADS;

  @ParameterizedTest
  @FieldSource("PAYLOADS")
  void nothingThatRunsOrLoadsSurvives(String payload) {
    HtmlSanitizer.Result r = HtmlSanitizer.clean(payload, false);
    assertSafe(r.html(), false);
    // what we send is what the browser builds: cleaning our output again changes nothing (no mutation)
    assertThat(HtmlSanitizer.clean(r.html(), false).html()).isEqualTo(r.html());
  }

  @ParameterizedTest
  @FieldSource("PAYLOADS")
  void allowingRemoteImagesAllowsNothingElse(String payload) {
    assertSafe(HtmlSanitizer.clean(payload, true).html(), true);
  }

  private static void assertSafe(String html, boolean remoteImages) {
    Document d = Jsoup.parseBodyFragment(html);
    for (Element e : d.body().getAllElements()) {
      if (e == d.body()) {
        continue;
      }
      assertThat(FORBIDDEN_TAGS).as("element <%s> in %s", e.tagName(), html).doesNotContain(e.tagName().toLowerCase(Locale.ROOT));
      for (Attribute a : e.attributes()) {
        String name = a.getKey().toLowerCase(Locale.ROOT);
        String value = a.getValue().replaceAll("[\\x00-\\x20]", "").toLowerCase(Locale.ROOT);
        assertThat(name).as("attribute in %s", html).doesNotStartWith("on").isNotIn("srcset", "background", "ping",
            "formaction", "action", "xlink:href", "id", "srcdoc");
        if (name.equals("href")) {
          assertThat(value).as("href in %s", html).matches("(https?|mailto|ftp):.*");
        }
        if (name.equals("src")) {
          assertThat(value).as("src in %s", html).matches(remoteImages ? "(https?:|data:image/(png|gif|jpe?g|webp);).*"
              : "data:image/(png|gif|jpe?g|webp);.*");
        }
        if (name.equals("style")) {
          assertThat(value).as("style in %s", html).doesNotContain("url").doesNotContain("expression")
              .doesNotContain("behavior").doesNotContain("\\").doesNotContain("/*");
        }
      }
    }
  }

  @Test
  void ordinaryMailStaysReadable() {
    HtmlSanitizer.Result r = HtmlSanitizer.clean("<html><head><title>t</title></head><body>"
        + "<p style=\"color: #333; font-weight: bold; position: fixed; background: url(x)\">Hello <b>Alice</b></p>"
        + "<table border=\"1\"><tr><td bgcolor=\"#eeeeee\">cell</td></tr></table>"
        + "<a href=\"https://example.org/offer\">offer</a> <a href=\"mailto:bob@example.test\">mail</a></body></html>", false);
    assertThat(r.html()).contains("<p style=\"color: #333; font-weight: bold\">Hello <b>Alice</b></p>")
        .contains("<td bgcolor=\"#eeeeee\">cell</td>")
        .contains("href=\"https://example.org/offer\"").contains("rel=\"noopener noreferrer nofollow\"")
        .contains("target=\"_blank\"").contains("href=\"mailto:bob@example.test\"").doesNotContain("title");
    assertThat(r.blockedImages()).isZero();
  }

  @Test
  void remoteImagesAreWithheldAndCountedUntilAllowed() {
    String mail = "<p>News</p><img src=\"https://tracker.example/a.gif\"><img src=\"http://cdn.example/b.png\" alt=\"logo\">"
        + "<img src=\"data:image/png;base64,iVBORw0KGgo=\">";
    HtmlSanitizer.Result blocked = HtmlSanitizer.clean(mail, false);
    assertThat(blocked.blockedImages()).isEqualTo(2);
    assertThat(blocked.html()).doesNotContain("tracker.example").doesNotContain("cdn.example")
        .contains("alt=\"logo\"").contains("src=\"data:image/png;base64,iVBORw0KGgo=\"");
    HtmlSanitizer.Result allowed = HtmlSanitizer.clean(mail, true);
    assertThat(allowed.blockedImages()).isZero();
    assertThat(allowed.html()).contains("src=\"https://tracker.example/a.gif\"").contains("src=\"http://cdn.example/b.png\"");
  }

  @Test
  void aBaseElementCannotRedirectRelativeLinks() {
    HtmlSanitizer.Result r = HtmlSanitizer.clean("<base href=\"https://phish.example/\"><a href=\"/login\">log in</a>"
        + "<img src=\"/t.gif\"><img src=x>", true);
    assertThat(r.html()).doesNotContain("phish.example").doesNotContain("href").doesNotContain("src").contains("log in");
    assertThat(r.blockedImages()).isZero();
  }

  @Test
  void styleKeepsOnlyListedPropertiesWithPlainValues() {
    assertThat(HtmlSanitizer.style("color: red; position: absolute; margin-top: 4px")).isEqualTo("color: red; margin-top: 4px");
    assertThat(HtmlSanitizer.style("color: rgb(1, 2, 3); width: 100%")).isEqualTo("color: rgb(1, 2, 3); width: 100%");
    assertThat(HtmlSanitizer.style("background-color: url(https://t.example/x)")).isEmpty();
    assertThat(HtmlSanitizer.style("color: \\72 ed")).isEmpty();
    assertThat(HtmlSanitizer.style("display: -webkit-box; display: block")).isEqualTo("display: block");
    assertThat(HtmlSanitizer.style("font-family: 'Arial', sans-serif")).isEqualTo("font-family: 'Arial', sans-serif");
    assertThat(HtmlSanitizer.style("width: calc(100% - var(--x))")).isEmpty();
  }

  @Test
  void cidImagesBecomeTheDataUrlsOfTheMessagesOwnParts() {
    java.util.Map<String, String> inline = java.util.Map.of("logo@shop.example", "data:image/png;base64,iVBORw0KGgo=",
        "a b@x", "data:image/gif;base64,R0lGOD==");
    HtmlSanitizer.Result r = HtmlSanitizer.clean("<img src=\"cid:logo@shop.example\" alt=\"logo\"><img src=\"CID:Missing@x\" alt=\"gone\">"
        + "<img src=\"cid:a%20b@x\" alt=\"escaped\"><a href=\"cid:logo@shop.example\">link</a>", false, inline);
    assertThat(r.html()).contains("<img src=\"data:image/png;base64,iVBORw0KGgo=\" alt=\"logo\">")
        .contains("<img alt=\"gone\">").contains("<img src=\"data:image/gif;base64,R0lGOD==\" alt=\"escaped\">")
        .doesNotContain("href").doesNotContain("cid:");
    assertThat(r.blockedImages()).isZero();
    assertThat(InlineImages.contentId(" <Logo@Shop.Example> ")).isEqualTo("logo@shop.example");
  }

  @Test
  void thePageCarriesTheBodyAndOnlyOurStyle() {
    String page = HtmlSanitizer.page(HtmlSanitizer.clean("<p>x</p><script>alert(1)</script>", false));
    assertThat(page).startsWith("<!DOCTYPE html>").contains("<body><p>x</p></body>").doesNotContain("script");
  }
}
