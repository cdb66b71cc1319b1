package dev.postamt.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

/**
 * DNSSEC validated inside Postamt ({@code [dns] dnssec_validation = "postamt"}): a tiny DNS server on the
 * loopback address serves a zone signed with an ECDSA P-256 key (algorithm 13); with that key as the trust
 * anchor, its MX and TLSA answers count as validated, a TLSA record changed after signing is a temporary
 * failure (mail waits), and a zone no anchor covers is answered but not validated. The server itself never
 * sets the AD bit: the validation is ours.
 */
class DnssecValidationTest {
  private static final Instant NOW = Instant.now();
  private DatagramSocket socket;
  private Thread server;
  /** name/type → records and their signature. */
  private final Map<String, List<Record>> zone = new HashMap<>();
  private String anchors;

  @BeforeEach
  void start() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair signed = g.generateKeyPair();
    KeyPair other = g.generateKeyPair();
    byte[] certHash = HexFormat.of().parseHex("0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6");

    Name secure = Name.fromString("secure.test.");
    DNSKEYRecord key = new DNSKEYRecord(secure, DClass.IN, 3600, 257, 3, 13, signed.getPublic());
    add(key, signed, key);
    add(new MXRecord(secure, DClass.IN, 3600, 10, Name.fromString("mx.secure.test.")), signed, key);
    add(new TLSARecord(Name.fromString("_25._tcp.mx.secure.test."), DClass.IN, 3600, 3, 1, 1, certHash), signed, key);

    // bogus.test: its TLSA record was replaced after signing (an attacker on the path)
    Name bogus = Name.fromString("bogus.test.");
    DNSKEYRecord bogusKey = new DNSKEYRecord(bogus, DClass.IN, 3600, 257, 3, 13, other.getPublic());
    add(bogusKey, other, bogusKey);
    Name bogusTlsa = Name.fromString("_25._tcp.mx.bogus.test.");
    add(new TLSARecord(bogusTlsa, DClass.IN, 3600, 3, 1, 1, certHash), other, bogusKey);
    RRSIGRecord sig = (RRSIGRecord) zone.get(key(bogusTlsa, Type.TLSA)).get(1);
    zone.put(key(bogusTlsa, Type.TLSA), List.of(new TLSARecord(bogusTlsa, DClass.IN, 3600, 3, 1, 1, new byte[32]), sig));

    // plain.test: no signatures and no anchor
    zone.put(key(Name.fromString("plain.test."), Type.MX),
        List.of(new MXRecord(Name.fromString("plain.test."), DClass.IN, 3600, 10, Name.fromString("mx.plain.test."))));

    anchors = key.toString() + "\n" + bogusKey.toString() + "\n";
    socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    server = Thread.ofVirtual().start(this::serve);
  }

  private void add(Record r, KeyPair signer, DNSKEYRecord signerKey) throws Exception {
    RRset set = new RRset(r);
    RRSIGRecord sig = DNSSEC.sign(set, signerKey, signer.getPrivate(), NOW.minusSeconds(3600), NOW.plusSeconds(86400));
    zone.put(key(r.getName(), r.getType()), List.of(r, sig));
  }

  private static String key(Name n, int type) {
    return n.toString().toLowerCase(java.util.Locale.ROOT) + "/" + type;
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
        boolean dnssecOk = q.getOPT() != null && (q.getOPT().getFlags() & ExtendedFlags.DO) != 0;
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.AA);
        r.getHeader().setFlag(Flags.RA);
        r.addRecord(question, Section.QUESTION);
        r.addRecord(new OPTRecord(1232, 0, 0, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        List<Record> rs = zone.get(key(question.getName(), question.getType()));
        if (rs == null) {
          r.getHeader().setRcode(Rcode.NXDOMAIN);
        } else {
          for (Record rec : rs) {
            if (rec.getType() != Type.RRSIG || dnssecOk) {
              r.addRecord(rec, Section.ANSWER);
            }
          }
        }
        byte[] wire = r.toWire(1232);
        socket.send(new DatagramPacket(wire, wire.length, p.getSocketAddress()));
      } catch (IOException e) {
        // closed at the end of the test, or a malformed packet
      }
    }
  }

  private DnsjavaResolver resolver() throws IOException {
    return new DnsjavaResolver(List.of("127.0.0.1:" + socket.getLocalPort()), Duration.ofSeconds(2)).validating(anchors);
  }

  @Test
  void signedAnswersChainingToAnAnchorAreValidated() throws IOException {
    DnsjavaResolver r = resolver();
    Resolver.Secured<Resolver.Mx> mx = r.mxSecured("secure.test");
    assertThat(mx.secure()).isTrue();
    assertThat(mx.result().records()).extracting(Resolver.Mx::host).containsExactly("mx.secure.test");
    Resolver.Secured<Resolver.Tlsa> tlsa = r.tlsaSecured("_25._tcp.mx.secure.test");
    assertThat(tlsa.secure()).isTrue();
    assertThat(tlsa.result().records()).singleElement().satisfies(t -> assertThat(t.usage()).isEqualTo(3));
  }

  @Test
  void aRecordChangedAfterSigningIsATemporaryFailureSoMailWaits() throws IOException {
    Resolver.Secured<Resolver.Tlsa> tlsa = resolver().tlsaSecured("_25._tcp.mx.bogus.test");
    assertThat(tlsa.secure()).isFalse();
    assertThat(tlsa.result().status()).isEqualTo(DnsResult.Status.TEMPFAIL);
  }

  @Test
  void withoutValidationTheSameAnswerIsNotTrustedAsSecure() throws IOException {
    DnsjavaResolver plain = new DnsjavaResolver(List.of("127.0.0.1:" + socket.getLocalPort()), Duration.ofSeconds(2)).trustingAd();
    assertThat(plain.tlsaSecured("_25._tcp.mx.secure.test").secure()).as("the server sets no AD bit").isFalse();
  }
}
