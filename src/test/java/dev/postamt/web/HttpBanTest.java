package dev.postamt.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.TestServer;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failed HTTP logins feed the ban list every protocol shares, and a banned client is refused. Loopback
 * is taken out of the relay networks here, since those are never banned.
 */
class HttpBanTest {
  @RegisterExtension
  static final TestServer t = TestServer.create().listen("http")
      .toml("[relay]\nnetworks = [\"192.0.2.0/24\"]\n[ban]\nauth_failures = 3\n");

  @Test
  void failedBasicLoginsBanTheAddressForHttpAndImap() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (int i = 0; i < 3; i++) { // a different account each time: no per-account delay
      HttpResponse<String> r = HttpTestClient.of(t, "http", "nobody" + i + "@example.test", "guess",
          HttpClient.Version.HTTP_1_1).get("/.well-known/jmap");
      assertThat(r.statusCode()).isEqualTo(401);
    }
    assertThat(t.server.bans().banned(loopback)).as("banned after ban.auth_failures").isPresent();
    HttpResponse<String> banned = HttpTestClient.of(t, "http", "alice@example.test").get("/.well-known/jmap");
    assertThat(banned.statusCode()).isEqualTo(403);
    assertThat(banned.body()).contains("banned");
    assertThat(banned.headers().firstValue("Content-Security-Policy")).isPresent();
  }
}
