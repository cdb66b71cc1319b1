package dev.postamt.antivirus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.testing.Clamd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our clamd protocol client against Debian's clamd with a test signature database. */
class ClamdClientTest {
  @TempDir static Path dir;
  static Clamd clamd;

  @BeforeAll
  static void start() throws Exception {
    clamd = Clamd.start(dir, true, "2M");
  }

  @AfterAll
  static void stop() throws Exception {
    if (clamd != null) {
      clamd.close();
    }
  }

  private static ClamdClient.Source bytes(byte[] b) {
    return () -> new ByteArrayInputStream(b);
  }

  @Test
  void pingAndVersionOverUnixSocketAndTcp() throws Exception {
    for (String address : List.of(clamd.unix(), clamd.tcp())) {
      ClamdClient c = new ClamdClient(address, Duration.ofSeconds(10), 2);
      assertThat(c.ping()).as(address).isTrue();
      assertThat(c.version()).as(address).startsWith("ClamAV 1.");
    }
  }

  @Test
  void eicarIsFoundAndCleanDataIsClean() throws Exception {
    ClamdClient c = new ClamdClient(clamd.unix(), Duration.ofSeconds(10), 2);
    try (ClamdClient.Lease l = c.lease()) {
      ClamdClient.Reply found = l.scan(bytes(Clamd.EICAR.getBytes(StandardCharsets.ISO_8859_1)), 1 << 20);
      assertThat(found).isInstanceOf(ClamdClient.Reply.Found.class);
      assertThat(((ClamdClient.Reply.Found) found).name()).startsWith("Postamt.Test.Eicar");
      assertThat(l.scan(bytes("just text\r\n".getBytes(StandardCharsets.US_ASCII)), 1 << 20))
          .isInstanceOf(ClamdClient.Reply.Clean.class);
    }
  }

  @Test
  void aStreamOfManyChunksIsScannedToItsEnd() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < 1_500_000 / 64; i++) {
      b.write("abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    b.write(Clamd.MARKER.getBytes(StandardCharsets.US_ASCII));
    ClamdClient c = new ClamdClient(clamd.tcp(), Duration.ofSeconds(30), 1);
    try (ClamdClient.Lease l = c.lease()) {
      assertThat(l.scan(bytes(b.toByteArray()), 2L << 20))
          .isEqualTo(new ClamdClient.Reply.Found("Postamt.Test.Marker.UNOFFICIAL"));
      // the limit cuts the stream: the marker at the end is not sent
      assertThat(l.scan(bytes(b.toByteArray()), 1L << 20)).isInstanceOf(ClamdClient.Reply.Clean.class);
    }
  }

  @Test
  void pooledSessionsCarryManyScans() throws Exception {
    ClamdClient c = new ClamdClient(clamd.unix(), Duration.ofSeconds(10), 2);
    List<ClamdClient.Reply> replies = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      try (ClamdClient.Lease l = c.lease()) {
        replies.add(l.scan(bytes((i % 2 == 0 ? Clamd.EICAR : "clean " + i).getBytes(StandardCharsets.ISO_8859_1)), 1 << 20));
      }
    }
    assertThat(replies.stream().filter(r -> r instanceof ClamdClient.Reply.Found).count()).isEqualTo(10);
    assertThat(replies.stream().filter(r -> r instanceof ClamdClient.Reply.Clean).count()).isEqualTo(10);
  }

  @Test
  void aPooledSessionOfAClamdThatRestartedIsReplacedTransparently() throws Exception {
    ClamdClient c = new ClamdClient(clamd.unix(), Duration.ofSeconds(10), 2);
    try (ClamdClient.Lease l = c.lease()) {
      assertThat(l.scan(bytes("first".getBytes(StandardCharsets.US_ASCII)), 1 << 20)).isInstanceOf(ClamdClient.Reply.Clean.class);
    } // back in the pool, then its clamd goes away
    clamd.kill();
    clamd.startProcess();
    try (ClamdClient.Lease l = c.lease()) {
      assertThat(l.scan(bytes(Clamd.EICAR.getBytes(StandardCharsets.ISO_8859_1)), 1 << 20))
          .isInstanceOf(ClamdClient.Reply.Found.class);
    }
  }

  @Test
  void moreThanStreamMaxLengthIsAnErrorNeverClean() {
    ClamdClient c = new ClamdClient(clamd.unix(), Duration.ofSeconds(30), 0);
    byte[] big = new byte[3 << 20];
    java.util.Arrays.fill(big, (byte) 'a');
    assertThatThrownBy(() -> {
      try (ClamdClient.Lease l = c.lease()) {
        l.scan(bytes(big), 4L << 20);
      }
    }).isInstanceOf(ClamdException.class);
  }

  @Test
  void noClamdAtTheAddressFailsAtOnce() {
    ClamdClient c = new ClamdClient("unix:" + dir.resolve("nothing-here.sock"), Duration.ofSeconds(10), 2);
    assertThatThrownBy(c::ping).isInstanceOf(ClamdException.class).hasMessageContaining("cannot connect");
  }

  @Test
  void aClamdThatDoesNotAnswerRunsIntoTheTimeOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      List<Socket> accepted = new ArrayList<>();
      Thread t = Thread.ofVirtual().start(() -> {
        try {
          accepted.add(silent.accept());
        } catch (Exception ignored) {
          // closed
        }
      });
      ClamdClient c = new ClamdClient("tcp:127.0.0.1:" + silent.getLocalPort(), Duration.ofSeconds(1), 0);
      long start = System.nanoTime();
      assertThatThrownBy(c::version).isInstanceOf(ClamdException.class).hasMessageContaining("time-out");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      t.join(5000);
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void requestNumbersOfSessionRepliesAreRemoved() {
    assertThat(ClamdClient.stripRequestNumber("12: stream: OK")).isEqualTo("stream: OK");
    assertThat(ClamdClient.stripRequestNumber("PONG")).isEqualTo("PONG");
  }
}
