package dev.postamt.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.dns.ZoneFileResolver;
import java.io.IOException;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class IprevTest {
  private static final String ZONE =
      """
      7.2.0.192.in-addr.arpa.  PTR mail.example.test.
      mail.example.test.       A   192.0.2.7
      8.2.0.192.in-addr.arpa.  PTR liar.example.test.
      8.2.0.192.in-addr.arpa.  PTR mail.example.test.
      liar.example.test.       A   192.0.2.99
      9.2.0.192.in-addr.arpa.  PTR loop.example.test.
      loop.example.test.       CNAME loop.example.test.
      10.2.0.192.in-addr.arpa. PTR loop.example.test.
      10.2.0.192.in-addr.arpa. PTR ok.example.test.
      ok.example.test.         A   192.0.2.10
      1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. PTR v6.example.test.
      v6.example.test.         AAAA 2001:db8::1
      v6.example.test.         A    192.0.2.1
      """;

  private static IprevResult check(String ip) throws IOException {
    return new Iprev(ZoneFileResolver.parse(ZONE)).check(InetAddress.ofLiteral(ip));
  }

  @Test
  void confirmedNameIsAPass() throws IOException {
    IprevResult r = check("192.0.2.7");
    assertThat(r.result()).isEqualTo(IprevResult.Result.PASS);
    assertThat(r.name()).contains("mail.example.test");
    assertThat(r.authenticationResult()).isEqualTo("iprev=pass policy.iprev=192.0.2.7 (mail.example.test)");
  }

  @Test
  void pointsToAnotherAddressIsAFail() throws IOException {
    IprevResult r = check("192.0.2.8");
    assertThat(r.result()).isEqualTo(IprevResult.Result.FAIL);
    assertThat(r.name()).isEmpty();
  }

  @Test
  void noPtrIsAPermerror() throws IOException {
    assertThat(check("192.0.2.200").result()).isEqualTo(IprevResult.Result.PERMERROR);
  }

  @Test
  void dnsErrorIsATemperrorUnlessAnotherNameConfirms() throws IOException {
    assertThat(check("192.0.2.9").result()).isEqualTo(IprevResult.Result.TEMPERROR);
    IprevResult r = check("192.0.2.10");
    assertThat(r.result()).isEqualTo(IprevResult.Result.PASS);
    assertThat(r.name()).contains("ok.example.test");
  }

  @Test
  void ipv6UsesAaaaAndMappedAddressesCountAsIpv4() throws IOException {
    IprevResult v6 = check("2001:db8::1");
    assertThat(v6.result()).isEqualTo(IprevResult.Result.PASS);
    assertThat(v6.address()).isEqualTo("2001:db8::1");
    assertThat(check("::ffff:192.0.2.7").result()).isEqualTo(IprevResult.Result.PASS);
  }
}
