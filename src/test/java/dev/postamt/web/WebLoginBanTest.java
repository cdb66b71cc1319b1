package dev.postamt.web;

import static dev.postamt.web.WebSessionClient.form;
import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.TestServer;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Twenty failed logins at the web form ban the address for every protocol, as IMAP's do (loopback is
 * taken out of the relay networks here, since those are never banned).
 */
class WebLoginBanTest {
  @RegisterExtension
  static final TestServer t = TestServer.create().listen("http")
      .toml("[relay]\nnetworks = [\"192.0.2.0/24\"]\n[limits]\nauth_failures_per_ip = 100\n[ban]\nauth_failures = 20\n");

  @Test
  void twentyFailedWebLoginsBanTheAddress() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    WebSessionClient c = new WebSessionClient(t);
    for (int i = 0; i < 19; i++) { // a different account each time: no per-account delay
      assertThat(c.login("guess" + i + "@example.test", "wrong", null).statusCode()).isEqualTo(401);
    }
    assertThat(t.server.bans().banned(loopback)).as("19 failures are not yet a ban").isEmpty();
    assertThat(c.login("guess19@example.test", "wrong", null).statusCode()).isEqualTo(401);
    assertThat(t.server.bans().banned(loopback)).as("banned after 20").isPresent();
    HttpResponse<String> after = c.postForm("/login", form("address", "alice@example.test", "password", TestServer.PASSWORD), false);
    assertThat(after.statusCode()).as("even the right password is refused now").isEqualTo(403);
    assertThat(after.body()).contains("banned");
  }
}
