package dev.postamt.tlsrpt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.dns.ZoneFileResolver;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code _smtp._tls} record (RFC 8460 §3): what is a record, which {@code rua} URIs count. */
class RuaRecordTest {
  @Test
  void mailtoAndHttpsUrisAreRead() {
    assertThat(RuaRecord.parse("v=TLSRPTv1; rua=mailto:reports@example.com,https://reporting.example.com/v1/tlsrpt"))
        .contains(new RuaRecord(List.of("reports@example.com"), List.of(URI.create("https://reporting.example.com/v1/tlsrpt"))));
    assertThat(RuaRecord.parse("v=TLSRPTv1;rua=mailto:tls%2Dreports@example.com?subject=x"))
        .contains(new RuaRecord(List.of("tls-reports@example.com"), List.of()));
    assertThat(RuaRecord.parse("v=TLSRPTv1; ext=1; rua=mailto:a@example.com")).map(RuaRecord::mailto).contains(List.of("a@example.com"));
  }

  @Test
  void anythingElseIsNoRecord() {
    assertThat(RuaRecord.parse("v=TLSRPTv2; rua=mailto:a@example.com")).isEmpty();
    assertThat(RuaRecord.parse("v=TLSRPTv1")).isEmpty();
    assertThat(RuaRecord.parse("v=TLSRPTv1; rua=http://plain.example/, ftp://x.example/")).isEmpty();
    assertThat(RuaRecord.parse("rua=mailto:a@example.com; v=TLSRPTv1")).isEmpty();
  }

  @Test
  void exactlyOneTlsrptRecordCounts() throws Exception {
    var dns = ZoneFileResolver.parse("""
        $ORIGIN test.
        _smtp._tls.one.test.  TXT "v=TLSRPTv1; rua=mailto:r@one.test"
        _smtp._tls.one.test.  TXT "v=spf1 -all"
        _smtp._tls.two.test.  TXT "v=TLSRPTv1; rua=mailto:a@two.test"
        _smtp._tls.two.test.  TXT "v=TLSRPTv1; rua=mailto:b@two.test"
        """);
    assertThat(RuaRecord.lookup(dns, "one.test")).map(RuaRecord::mailto).isEqualTo(Optional.of(List.of("r@one.test")));
    assertThat(RuaRecord.lookup(dns, "two.test")).as("several records: none (§3)").isEmpty();
    assertThat(RuaRecord.lookup(dns, "none.test")).isEmpty();
  }
}
