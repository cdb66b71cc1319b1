package dev.postamt.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.postamt.testing.TestServer;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A password over plain HTTP from another machine is refused, as IMAP refuses LOGIN before STARTTLS.
 * The listener binds one of this machine's non-loopback addresses and the client connects to it, so
 * the server sees a non-loopback peer; skipped on a machine that has no such address.
 */
class HttpPlaintextTest {
  static final InetAddress OUTSIDE = nonLoopback();

  @RegisterExtension
  static final TestServer t = TestServer.create().listen("https")
      .toml("http = \"" + (OUTSIDE == null ? "127.0.0.1" : OUTSIDE.getHostAddress()) + ":0\"\n");

  static InetAddress nonLoopback() {
    try {
      for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!i.isUp() || i.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(i.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            return a;
          }
        }
      }
    } catch (java.io.IOException e) {
      return null;
    }
    return null;
  }

  @Test
  void basicOverPlainHttpFromAnotherAddressIsRefusedWithoutAChallenge() throws Exception {
    assumeTrue(OUTSIDE != null, "this machine has no non-loopback IPv4 address");
    String auth = "Basic " + Base64.getEncoder().encodeToString("alice@example.test:secret".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://" + OUTSIDE.getHostAddress() + ":" + t.port("http") + "/.well-known/jmap"))
            .header("Authorization", auth).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
    assertThat(r.body()).contains("https");
    assertThat(HttpTestClient.of(t, "https", "alice@example.test").get("/.well-known/jmap").statusCode())
        .as("the same password over https").isEqualTo(200);
  }
}
