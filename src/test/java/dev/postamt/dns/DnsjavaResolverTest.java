package dev.postamt.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The real-protocol resolver against a tiny DNS server on the loopback address (no outside network):
 * answers, CNAME chains, caching per TTL, negative caching, SERVFAIL and time-outs.
 */
class DnsjavaResolverTest {
  private DatagramSocket socket;
  private Thread server;
  private final ConcurrentHashMap<String, AtomicInteger> queries = new ConcurrentHashMap<>();
  private DnsjavaResolver dns;

  @BeforeEach
  void start() throws SocketException {
    socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    server = Thread.ofVirtual().start(this::serve);
    dns = new DnsjavaResolver(List.of("127.0.0.1:" + socket.getLocalPort()), Duration.ofMillis(400));
  }

  @AfterEach
  void stop() throws InterruptedException {
    socket.close();
    server.join();
  }

  private void serve() {
    byte[] buf = new byte[4096];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        Message q = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
        Record question = q.getQuestion();
        String key = question.getName().toString(true) + "/" + Type.string(question.getType());
        queries.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        Message r = answer(q, question);
        if (r != null) {
          byte[] wire = r.toWire();
          socket.send(new DatagramPacket(wire, wire.length, p.getSocketAddress()));
        }
      } catch (IOException e) {
        // socket closed at the end of the test, or a malformed packet: keep serving until closed
      }
    }
  }

  private static Message answer(Message q, Record question) throws IOException {
    Message r = new Message(q.getHeader().getID());
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.RA);
    r.getHeader().setFlag(Flags.RD);
    r.addRecord(question, Section.QUESTION);
    Name n = question.getName();
    int type = question.getType();
    Name zone = Name.fromString("test.");
    SOARecord soa =
        new SOARecord(zone, DClass.IN, 60, Name.fromString("ns.test."), Name.fromString("admin.test."), 1, 60, 60, 60, 60);
    switch (n.toString(true)) {
      case "a.test" -> {
        if (type == Type.A) {
          r.addRecord(new ARecord(n, DClass.IN, 300, InetAddress.ofLiteral("192.0.2.1")), Section.ANSWER);
        } else {
          r.addRecord(soa, Section.AUTHORITY);
        }
      }
      case "alias.test" -> {
        r.addRecord(new CNAMERecord(n, DClass.IN, 300, Name.fromString("a.test.")), Section.ANSWER);
        if (type == Type.A) {
          r.addRecord(new ARecord(Name.fromString("a.test."), DClass.IN, 300, InetAddress.ofLiteral("192.0.2.1")), Section.ANSWER);
        }
      }
      case "txt.test" -> r.addRecord(new TXTRecord(n, DClass.IN, 300, List.of("v=spf1 ", "-all")), Section.ANSWER);
      case "mx.test" -> r.addRecord(new MXRecord(n, DClass.IN, 300, 10, Name.fromString("a.test.")), Section.ANSWER);
      case "fail.test" -> r.getHeader().setRcode(Rcode.SERVFAIL);
      case "slow.test" -> {
        return null;
      }
      default -> {
        r.getHeader().setRcode(Rcode.NXDOMAIN);
        r.addRecord(soa, Section.AUTHORITY);
      }
    }
    return r;
  }

  private int count(String key) {
    AtomicInteger c = queries.get(key);
    return c == null ? 0 : c.get();
  }

  @Test
  void answersAreCachedForTheirTtl() {
    assertThat(dns.a("a.test").records()).containsExactly(InetAddress.ofLiteral("192.0.2.1"));
    assertThat(dns.a("A.TEST.").records()).containsExactly(InetAddress.ofLiteral("192.0.2.1"));
    assertThat(count("a.test/A")).isEqualTo(1);
  }

  @Test
  void cnameChainsAreFollowed() {
    assertThat(dns.a("alias.test").records()).containsExactly(InetAddress.ofLiteral("192.0.2.1"));
    assertThat(dns.cname("alias.test").records()).containsExactly("a.test");
  }

  @Test
  void txtStringsAreJoinedAndMxHasNoTrailingDot() {
    assertThat(dns.txt("txt.test").records()).containsExactly("v=spf1 -all");
    assertThat(dns.mx("mx.test").records()).containsExactly(new Resolver.Mx(10, "a.test"));
  }

  @Test
  void nxdomainAndNodataAreCachedNegatively() {
    assertThat(dns.txt("nope.test").status()).isEqualTo(DnsResult.Status.NXDOMAIN);
    assertThat(dns.txt("nope.test").status()).isEqualTo(DnsResult.Status.NXDOMAIN);
    assertThat(count("nope.test/TXT")).isEqualTo(1);
    DnsResult<String> nodata = dns.txt("a.test");
    assertThat(nodata.status()).isEqualTo(DnsResult.Status.OK);
    assertThat(nodata.isVoid()).isTrue();
  }

  @Test
  void servfailAndTimeoutAreTempfail() {
    assertThat(dns.a("fail.test").status()).isEqualTo(DnsResult.Status.TEMPFAIL);
    long start = System.nanoTime();
    assertThat(dns.a("slow.test").status()).isEqualTo(DnsResult.Status.TEMPFAIL);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void namesThatCannotExistAreNxdomainWithoutAQuery() {
    assertThat(dns.a("x".repeat(64) + ".test").status()).isEqualTo(DnsResult.Status.NXDOMAIN);
    assertThat(queries).isEmpty();
  }

  @Test
  void serverAddressesParse() {
    assertThat(DnsjavaResolver.server("192.0.2.53").getPort()).isEqualTo(53);
    assertThat(DnsjavaResolver.server("192.0.2.53:5353").getPort()).isEqualTo(5353);
    assertThat(DnsjavaResolver.server("[2001:db8::53]:5353").getAddress()).isEqualTo(InetAddress.ofLiteral("2001:db8::53"));
    assertThat(DnsjavaResolver.server("2001:db8::53").getPort()).isEqualTo(53);
  }
}
