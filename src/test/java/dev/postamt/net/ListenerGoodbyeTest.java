package dev.postamt.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The listener's side of a goodbye: said between lines, and a session stuck mid-line is cut after the grace. */
class ListenerGoodbyeTest {
  /** Answers each line with "ok"; its goodbye is "bye". */
  private static final ConnectionHandler ECHO = new ConnectionHandler() {
    @Override
    public void handle(Connection c) throws Exception {
      while (true) {
        int b;
        StringBuilder line = new StringBuilder();
        while ((b = c.in().read()) != '\n') {
          if (b < 0) {
            return;
          }
          line.append((char) b);
        }
        c.out().write("ok\r\n".getBytes(StandardCharsets.US_ASCII));
        c.out().flush();
      }
    }

    @Override
    public String goodbye(Connection c, Goodbye why) {
      return "bye " + why;
    }
  };

  private static Listener open() throws Exception {
    return Listener.open("test", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, false,
        Duration.ofMinutes(1), 10, ECHO);
  }

  @Test
  void aSessionBetweenLinesGetsTheLineAndIsClosed() throws Exception {
    try (Listener l = open(); Socket s = new Socket(InetAddress.getLoopbackAddress(), l.localAddress().getPort())) {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      s.getOutputStream().write("hello\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(in.readLine()).isEqualTo("ok");
      waitForConnections(l, 1);
      l.shutdown();
      assertThat(in.readLine()).isEqualTo("bye SHUTDOWN");
      assertThat(in.readLine()).isNull();
      assertThat(l.awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(5))).isTrue();
    }
  }

  @Test
  void aSessionMidLineWaitsAndIsCutWhenTheGraceIsOver() throws Exception {
    try (Listener l = open(); Socket s = new Socket(InetAddress.getLoopbackAddress(), l.localAddress().getPort())) {
      OutputStream out = s.getOutputStream();
      out.write("half a li".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      waitForConnections(l, 1);
      Thread.sleep(100); // the session has read the partial line
      l.shutdown();
      assertThat(l.awaitIdle(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300))).isFalse();
      l.close();
      assertThat(l.awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(5))).isTrue();
      assertThat(s.getInputStream().read()).isEqualTo(-1); // cut without a word: the line was never answered
    }
  }

  private static void waitForConnections(Listener l, int n) throws InterruptedException {
    for (int i = 0; i < 250 && l.connections().size() < n; i++) {
      Thread.sleep(20);
    }
    assertThat(l.connections()).hasSize(n);
  }
}
