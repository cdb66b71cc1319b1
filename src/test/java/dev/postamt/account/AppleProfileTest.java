package dev.postamt.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.TestServer;
import dev.postamt.web.WebSessionClient;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** The {@code .mobileconfig} download: a plist the JDK's parser reads, with the account's settings and no password. */
class AppleProfileTest {
  @RegisterExtension static final TestServer t = TestServer.create().listen("http");

  @Test
  void theProfileIsAPlistWithTheMailPayload() throws Exception {
    WebSessionClient c = new WebSessionClient(t);
    assertThat(c.get("/account/apple.mobileconfig").statusCode()).isEqualTo(303); // login first
    assertThat(c.login("alice@example.test", TestServer.PASSWORD, null).statusCode()).isEqualTo(303);
    assertThat(c.get("/account/").body()).contains("href=\"/account/apple.mobileconfig\"");
    HttpResponse<String> r = c.get("/account/apple.mobileconfig");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-apple-aspen-config");
    Element top = plistDict(r.body());
    Map<String, Node> outer = dict(top);
    assertThat(text(outer.get("PayloadType"))).isEqualTo("Configuration");
    assertThat(outer).containsKeys("PayloadUUID", "PayloadIdentifier", "PayloadVersion", "PayloadDisplayName");
    Element inner = (Element) ((Element) outer.get("PayloadContent")).getElementsByTagName("dict").item(0);
    Map<String, Node> mail = dict(inner);
    assertThat(text(mail.get("PayloadType"))).isEqualTo("com.apple.mail.managed");
    assertThat(text(mail.get("EmailAddress"))).isEqualTo("alice@example.test");
    assertThat(text(mail.get("IncomingMailServerUsername"))).isEqualTo("alice@example.test");
    assertThat(text(mail.get("IncomingMailServerHostName"))).isEqualTo("mx.example.test");
    assertThat(text(mail.get("OutgoingMailServerHostName"))).isEqualTo("mx.example.test");
    assertThat(text(mail.get("EmailAccountType"))).isEqualTo("EmailTypeIMAP");
    // the test server listens for imaps and smtps on ephemeral ports: the profile names the standard ones
    assertThat(text(mail.get("IncomingMailServerPortNumber"))).isEqualTo("993");
    assertThat(mail.get("IncomingMailServerUseSSL").getNodeName()).isEqualTo("true");
    assertThat(text(mail.get("OutgoingMailServerPortNumber"))).isEqualTo("465");
    assertThat(mail).doesNotContainKeys("IncomingPassword", "OutgoingPassword");
    assertThat(r.body()).doesNotContain(TestServer.PASSWORD);
    // the same user gets the same UUIDs: a new download replaces the installed profile
    assertThat(c.get("/account/apple.mobileconfig").body()).isEqualTo(r.body());
  }

  @Test
  void namesAreEscaped() throws Exception {
    String xml = AppleProfile.profile("mx.example.test", "a&b<c@example.test",
        new AppleProfile.Server(143, false), new AppleProfile.Server(587, false));
    Map<String, Node> mail = dict((Element) dict(plistDict(xml)).get("PayloadContent").getFirstChild().getNextSibling());
    assertThat(text(mail.get("EmailAddress"))).isEqualTo("a&b<c@example.test");
    assertThat(mail.get("OutgoingMailServerUseSSL").getNodeName()).isEqualTo("false");
  }

  private static Element plistDict(String xml) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    Element plist = f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
        .getDocumentElement();
    assertThat(plist.getTagName()).isEqualTo("plist");
    return (Element) plist.getElementsByTagName("dict").item(0);
  }

  /** The keys of a plist dict with the element that follows each. */
  private static Map<String, Node> dict(Element dict) {
    Map<String, Node> out = new LinkedHashMap<>();
    String key = null;
    for (Node n = dict.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeType() != Node.ELEMENT_NODE) {
        continue;
      }
      if (n.getNodeName().equals("key")) {
        key = n.getTextContent();
      } else if (key != null) {
        out.put(key, n);
        key = null;
      }
    }
    return out;
  }

  private static String text(Node n) {
    return n == null ? null : n.getTextContent();
  }
}
