package dev.postamt.acme;

import dev.postamt.net.TlsContext;
import dev.postamt.testing.MailHost;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Let's Encrypt's test CA, Debian's {@code pebble} package, run for one test: its ACME listener on an
 * ephemeral port with a certificate of our own for {@code localhost} (the package ships none), its
 * http-01 validation pointed at {@code httpPort}, and its DNS at a tiny server here that answers
 * 127.0.0.1 for every A question, so that validation really fetches the token from our http listener.
 */
final class Pebble implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/pebble");

  final Path trust;
  final int port;
  private final Process process;
  private final DatagramSocket dns;
  private final Thread dnsThread;
  final Path log;

  private Pebble(Path trust, int port, Process process, DatagramSocket dns, Thread dnsThread, Path log) {
    this.trust = trust;
    this.port = port;
    this.process = process;
    this.dns = dns;
    this.dnsThread = dnsThread;
    this.log = log;
  }

  String directory() {
    return "https://localhost:" + port + "/dir";
  }

  static Pebble start(Path dir, int httpPort) throws Exception {
    Path cert = dir.resolve("pebble.crt");
    Path key = dir.resolve("pebble.key");
    TlsContext.writeSelfSigned(List.of("localhost", "127.0.0.1"), cert, key);
    DatagramSocket dns = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    Thread dnsThread = Thread.ofVirtual().start(() -> serveDns(dns));
    int port = MailHost.freePort();
    Path config = dir.resolve("pebble-config.json");
    Files.writeString(config, """
        {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
          "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
          "ocspResponderURL": "", "externalAccountBindingRequired": false}}
        """.formatted(port, MailHost.freePort(), cert, key, httpPort, MailHost.freePort()));
    Path log = dir.resolve("pebble.log");
    ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), "-config", config.toString(), "-dnsserver",
        "127.0.0.1:" + dns.getLocalPort()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
    pb.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
    Process p = pb.start();
    Pebble pebble = new Pebble(cert, port, p, dns, dnsThread, log);
    try {
      MailHost.await(() -> {
        if (!p.isAlive()) {
          throw new AssertionError("pebble ended: " + read(log));
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
          return true;
        } catch (IOException e) {
          return false;
        }
      }, "pebble to listen on " + port);
    } catch (Throwable t) {
      pebble.close();
      throw t;
    }
    return pebble;
  }

  static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void serveDns(DatagramSocket socket) {
    byte[] buf = new byte[4096];
    while (!socket.isClosed()) {
      try {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        Message q = new Message(Arrays.copyOf(p.getData(), p.getLength()));
        Record question = q.getQuestion();
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RA);
        if (q.getHeader().getFlag(Flags.RD)) {
          r.getHeader().setFlag(Flags.RD);
        }
        r.addRecord(question, Section.QUESTION);
        if (question.getType() == Type.A) {
          r.addRecord(new ARecord(question.getName(), DClass.IN, 60, InetAddress.getByName("127.0.0.1")), Section.ANSWER);
        }
        byte[] wire = r.toWire();
        socket.send(new DatagramPacket(wire, wire.length, p.getSocketAddress()));
      } catch (IOException e) {
        // closed at the end, or a malformed packet: serve on until closed
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
    dns.close();
    dnsThread.join();
  }
}
