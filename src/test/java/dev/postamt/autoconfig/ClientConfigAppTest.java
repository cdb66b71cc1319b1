package dev.postamt.autoconfig;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Thunderbird autoconfig and Outlook autodiscover against a running server: the XML is checked against
 * the published formats (Mozilla's clientConfig version 1.1; the Outlook 2006a POX response), with the
 * real hostname and bound ports of the listeners that run and none of those that do not.
 */
class ClientConfigAppTest {
  // pop3s runs, plain pop3 does not
  @RegisterExtension static final TestServer t = TestServer.create().listen("http", "pop3s");

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port("http") + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Document xml(String body) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String text(Element e, String child) {
    Node n = e.getElementsByTagName(child).item(0);
    return n == null ? null : n.getTextContent();
  }

  /** "type socketType" → port of each incomingServer/outgoingServer, with every required child checked. */
  private static Map<String, String> servers(Document d, String element) {
    Map<String, String> out = new TreeMap<>();
    var list = d.getElementsByTagName(element);
    for (int i = 0; i < list.getLength(); i++) {
      Element s = (Element) list.item(i);
      assertThat(text(s, "hostname")).isEqualTo("mx.example.test");
      assertThat(text(s, "authentication")).isEqualTo("password-cleartext");
      assertThat(text(s, "username")).isEqualTo("%EMAILADDRESS%");
      assertThat(text(s, "socketType")).isIn("SSL", "STARTTLS", "plain");
      out.put(s.getAttribute("type") + " " + text(s, "socketType"), text(s, "port"));
    }
    return out;
  }

  private static void assertThunderbird(String body) throws Exception {
    Document d = xml(body);
    Element root = d.getDocumentElement();
    assertThat(root.getTagName()).isEqualTo("clientConfig");
    assertThat(root.getAttribute("version")).isEqualTo("1.1");
    Element provider = (Element) root.getElementsByTagName("emailProvider").item(0);
    assertThat(provider.getAttribute("id")).isEqualTo("example.test");
    assertThat(text(provider, "domain")).isEqualTo("example.test");
    assertThat(text(provider, "displayName")).isNotBlank();
    assertThat(servers(d, "incomingServer")).containsExactlyInAnyOrderEntriesOf(Map.of(
        "imap SSL", String.valueOf(t.port("imaps")),
        "imap STARTTLS", String.valueOf(t.port("imap")),
        "pop3 SSL", String.valueOf(t.port("pop3s"))));
    assertThat(servers(d, "outgoingServer")).containsExactlyInAnyOrderEntriesOf(Map.of(
        "smtp SSL", String.valueOf(t.port("smtps")),
        "smtp STARTTLS", String.valueOf(t.port("submission"))));
    // incoming before outgoing, implicit TLS first (RFC 8314 §4)
    List<String> order = new ArrayList<>();
    for (Node n = provider.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().endsWith("Server")) {
        order.add(e.getTagName() + " " + e.getAttribute("type") + " " + text(e, "socketType"));
      }
    }
    assertThat(order).containsExactly("incomingServer imap SSL", "incomingServer imap STARTTLS",
        "incomingServer pop3 SSL", "outgoingServer smtp SSL", "outgoingServer smtp STARTTLS");
  }

  @Test
  void wellKnownAutoconfigDescribesTheListenersThatRun() throws Exception {
    HttpResponse<String> r = get("/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=nobody%40Example.TEST");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/xml");
    assertThunderbird(r.body());
  }

  @Test
  void theAutoconfigHostFormTakesTheDomainFromTheHostName() throws Exception {
    try (Socket s = new Socket("127.0.0.1", t.port("http"))) {
      OutputStream out = s.getOutputStream();
      out.write(("GET /mail/config-v1.1.xml HTTP/1.1\r\nHost: autoconfig.example.test\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(reply).startsWith("HTTP/1.1 200");
      String body = reply.substring(reply.indexOf("\r\n\r\n") + 4);
      if (reply.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
        body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n"));
      }
      assertThunderbird(body);
    }
  }

  @Test
  void otherDomainsAndBadRequestsGetNothing() throws Exception {
    assertThat(get("/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=a%40elsewhere.example").statusCode())
        .isEqualTo(404);
    assertThat(get("/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=nonsense").statusCode()).isEqualTo(404);
    HttpResponse<String> other = get("/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress=a%40elsewhere.example");
    assertThat(other.body()).doesNotContain("mx.example.test");
  }

  @Test
  void outlookAutodiscoverAnswersForLocalDomainsOnly() throws Exception {
    String request = """
        <?xml version="1.0" encoding="utf-8"?>
        <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
          <Request>
            <EMailAddress>carol@example.test</EMailAddress>
            <AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema>
          </Request>
        </Autodiscover>
        """;
    for (String path : List.of("/autodiscover/autodiscover.xml", "/Autodiscover/Autodiscover.xml")) {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port("http") + path))
          .header("Content-Type", "text/xml").POST(HttpRequest.BodyPublishers.ofString(request)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      Document d = xml(r.body());
      assertThat(d.getDocumentElement().getNamespaceURI())
          .isEqualTo("http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006");
      Element response = (Element) d.getDocumentElement().getElementsByTagName("Response").item(0);
      assertThat(response.getNamespaceURI())
          .isEqualTo("http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a");
      assertThat(text(response, "Action")).isEqualTo("settings");
      Map<String, String> protocols = new TreeMap<>();
      var list = response.getElementsByTagName("Protocol");
      for (int i = 0; i < list.getLength(); i++) {
        Element p = (Element) list.item(i);
        assertThat(text(p, "Server")).isEqualTo("mx.example.test");
        assertThat(text(p, "LoginName")).isEqualTo("carol@example.test");
        protocols.put(text(p, "Type") + " " + text(p, "Encryption"), text(p, "Port"));
      }
      assertThat(protocols).containsEntry("IMAP SSL", String.valueOf(t.port("imaps")))
          .containsEntry("SMTP TLS", String.valueOf(t.port("submission"))).containsEntry("POP3 SSL", String.valueOf(t.port("pop3s")))
          .doesNotContainKey("POP3 TLS");
    }
    HttpResponse<String> foreign = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + t.port("http") + "/autodiscover/autodiscover.xml"))
        .POST(HttpRequest.BodyPublishers.ofString(request.replace("example.test", "elsewhere.example"))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(foreign.statusCode()).isEqualTo(404);
  }
}
