package dev.postamt.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZoneFileResolverTest {

  private static final String ZONE =
      """
      $ORIGIN example.test.
      $TTL 1h
      @            IN  SOA  ns.example.test. admin.example.test. ( 1 3600 600 86400
                                                                   300 ) ; multi-line
      @                MX   10 mx          ; relative target
                       TXT  "v=spf1 mx -all"
      mx           300 IN A 192.0.2.1
      mx           IN 300 AAAA 2001:db8::1
      multi            TXT  "v=spf1 " "ip4:192.0.2.0/24" " -all"
      quoted           TXT  "say \\"hi\\" \\\\ back" "\\065\\066C"
      empty            TXT  ""
      nothing          TXT
      spf99            SPF  "v=spf1 -all"
      generic          TYPE16 \\# 6 05 68 65 6c 6c 6f
      alias            CNAME mx
      loop1            CNAME loop2
      loop2            CNAME loop1.example.test.
      a.b.deep         A    192.0.2.9
      odd\\032name\\059x A   192.0.2.7
      nullmx           MX   0 .
      _25._tcp.mx      TLSA 3 1 1 ( 0123456789abcdef
                                    0123456789ABCDEF )
      4.2.0.192.in-addr.arpa. PTR mx
      absolute.other.test. 60 IN A 198.51.100.1
      """;

  private static ZoneFileResolver zone() throws IOException {
    return ZoneFileResolver.parse(ZONE);
  }

  @Test
  void answersFromTheFileWithOriginsAndRelativeNames() throws IOException {
    ZoneFileResolver z = zone();
    assertThat(z.mx("example.test").records()).containsExactly(new Resolver.Mx(10, "mx.example.test"));
    assertThat(z.txt("EXAMPLE.test.").records()).containsExactly("v=spf1 mx -all");
    assertThat(z.a("mx.example.test").records()).containsExactly(InetAddress.ofLiteral("192.0.2.1"));
    assertThat(z.aaaa("mx.example.test").records()).containsExactly(InetAddress.ofLiteral("2001:db8::1"));
    assertThat(z.a("absolute.other.test").records()).containsExactly(InetAddress.ofLiteral("198.51.100.1"));
    assertThat(z.ptr(InetAddress.ofLiteral("192.0.2.4")).records()).containsExactly("mx.example.test");
    assertThat(z.mx("nullmx.example.test").records()).containsExactly(new Resolver.Mx(0, ""));
  }

  @Test
  void txtStringsAreJoinedAndEscapesDecoded() throws IOException {
    ZoneFileResolver z = zone();
    assertThat(z.txt("multi.example.test").records()).containsExactly("v=spf1 ip4:192.0.2.0/24 -all");
    assertThat(z.txt("quoted.example.test").records()).containsExactly("say \"hi\" \\ backABC");
    assertThat(z.txt("empty.example.test").records()).containsExactly("");
    assertThat(z.txt("nothing.example.test").records()).containsExactly("");
    assertThat(z.txt("generic.example.test").records()).containsExactly("hello");
  }

  @Test
  void longStringsAndRawUtf8SurviveUnchanged() throws IOException {
    String longText = "v=spf1 " + "ip4:192.0.2.1 ".repeat(40) + "-all"; // well over 255 octets
    ZoneFileResolver z = ZoneFileResolver.parse("long.test. TXT \"" + longText + "\"\nutf.test. TXT \"caf\u00e9 \u2603\"\n");
    assertThat(z.txt("long.test").records()).containsExactly(longText);
    assertThat(z.txt("utf.test").records()).containsExactly("caf\u00e9 \u2603");
  }

  @Test
  void nxdomainNodataAndEmptyNonTerminals() throws IOException {
    ZoneFileResolver z = zone();
    assertThat(z.a("missing.example.test").status()).isEqualTo(DnsResult.Status.NXDOMAIN);
    DnsResult<InetAddress> nodata = z.a("multi.example.test");
    assertThat(nodata.status()).isEqualTo(DnsResult.Status.OK);
    assertThat(nodata.isVoid()).isTrue();
    // b.deep exists only because a.b.deep does: NODATA, not NXDOMAIN (RFC 8020)
    assertThat(z.txt("b.deep.example.test").status()).isEqualTo(DnsResult.Status.OK);
    assertThat(z.txt("spf99.example.test").records()).isEmpty(); // type 99 is kept apart from TXT
  }

  @Test
  void cnameChainsAreFollowedAndLoopsAreTempfail() throws IOException {
    ZoneFileResolver z = zone();
    assertThat(z.a("alias.example.test").records()).containsExactly(InetAddress.ofLiteral("192.0.2.1"));
    assertThat(z.cname("alias.example.test").records()).containsExactly("mx.example.test");
    assertThat(z.a("loop1.example.test").status()).isEqualTo(DnsResult.Status.TEMPFAIL);
  }

  @Test
  void oddCharactersInNamesAndTlsa() throws IOException {
    ZoneFileResolver z = zone();
    assertThat(z.a("odd name;x.example.test").records()).containsExactly(InetAddress.ofLiteral("192.0.2.7"));
    Resolver.Tlsa t = z.tlsa("_25._tcp.mx.example.test").records().getFirst();
    assertThat(t.usage()).isEqualTo(3);
    assertThat(HexFormat.of().formatHex(t.data())).isEqualTo("0123456789abcdef0123456789abcdef");
  }

  @Test
  void withoutOriginNamesAreAbsolute() throws IOException {
    ZoneFileResolver z = ZoneFileResolver.parse("example.com IN TXT \"v=spf1 -all\"\nwww.example.com A 192.0.2.5\n");
    assertThat(z.txt("example.com").records()).containsExactly("v=spf1 -all");
    assertThat(z.a("www.example.com").records()).hasSize(1);
    assertThat(z.size()).isEqualTo(2);
  }

  @Test
  void includeIsRelativeToTheFile(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("inner.zone"), "www A 192.0.2.80\n");
    Files.writeString(dir.resolve("main.zone"), "$ORIGIN example.org.\n$INCLUDE inner.zone\n@ TXT hello\n");
    ZoneFileResolver z = ZoneFileResolver.load(dir.resolve("main.zone"));
    assertThat(z.a("www.example.org").records()).hasSize(1);
    assertThat(z.txt("example.org").records()).containsExactly("hello");
  }

  @Test
  void errorsNameTheFileAndLine(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("bad.zone");
    Files.write(f, List.of("ok.test. A 192.0.2.1", "bad.test. A 300.1.1.1"), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ZoneFileResolver.load(f)).isInstanceOf(IOException.class).hasMessageContaining("bad.zone:2:");
    assertThatThrownBy(() -> ZoneFileResolver.parse("x.test. NOSUCHTYPE 1")).hasMessageContaining("unknown record type");
    assertThatThrownBy(() -> ZoneFileResolver.parse("x.test. TXT \"open")).hasMessageContaining("unterminated");
    assertThatThrownBy(() -> ZoneFileResolver.parse("x.test. TXT ( \"a\"")).hasMessageContaining("never closed");
  }
}
