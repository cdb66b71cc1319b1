package dev.postamt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.testing.TestServer;
import dev.postamt.web.HttpTestClient;
import dev.postamt.web.WebPorts;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP listener is made at its first connection (issue 27, idle memory): its ports are bound at
 * start, the connection that comes first is served by the listener it made, and a failure to make it
 * costs that connection only.
 */
class LazyWebTest {
  @Test
  void theFirstConnectionMakesTheListenerAndIsServedByIt(@TempDir Path dir) throws Exception {
    TestServer t = TestServer.create().listen("http", "https").startedIn(dir);
    try {
      assertThat(t.server.address("http")).isPresent();
      assertThat(t.server.address("https")).isPresent();
      assertThat(t.server.webMade()).as("made before any connection").isFalse();

      // the first connection is a TLS handshake on https: handed to Jetty as it came
      assertThat(HttpTestClient.of(t, "https", "alice@example.test").get("/.well-known/jmap").statusCode()).isEqualTo(200);
      assertThat(t.server.webMade()).isTrue();
      // the other port is Jetty's from then on
      assertThat(HttpTestClient.of(t, "http", "alice@example.test").get("/.well-known/jmap").statusCode()).isEqualTo(200);
    } finally {
      t.server.close();
    }
  }

  @Test
  void aServerClosedBeforeAnyConnectionFreesItsPorts(@TempDir Path dir) throws Exception {
    TestServer t = TestServer.create().listen("http").startedIn(dir);
    InetSocketAddress http = t.server.address("http").orElseThrow();
    t.server.close();
    assertThat(t.server.webMade()).isFalse();
    try (ServerSocket again = new ServerSocket()) {
      again.setReuseAddress(true);
      again.bind(http); // would throw when the port were still held
    }
  }

  @Test
  void aTakenPortStillStopsTheStart(@TempDir Path dir) throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> TestServer.start(dir, "http = \"127.0.0.1:" + busy.getLocalPort() + "\"\n"))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("cannot listen on 127.0.0.1:" + busy.getLocalPort() + " for http: ")
          .hasMessageContaining("change listen.http in the config");
    }
  }

  @Test
  void aListenerThatCannotBeMadeCostsTheConnectionAndIsTriedAgain() throws Exception {
    AtomicInteger tries = new AtomicInteger();
    WebPorts ports = WebPorts.bind(Optional.of(new InetSocketAddress("127.0.0.1", 0)), Optional.empty());
    LazyWeb web = LazyWeb.start(ports, p -> {
      tries.incrementAndGet();
      throw new IOException("made to fail");
    });
    try {
      InetSocketAddress a = web.address("http").orElseThrow();
      for (int i = 1; i <= 2; i++) {
        try (Socket s = new Socket(a.getAddress(), a.getPort())) {
          s.setSoTimeout(30_000);
          InputStream in = s.getInputStream();
          assertThat(in.read()).as("the connection that asked is closed").isEqualTo(-1);
        }
        assertThat(tries.get()).isEqualTo(i);
      }
      assertThat(web.made()).isEmpty();
      assertThat(web.address("http")).contains(a);
    } finally {
      web.close();
    }
    assertThat(ports.address("http")).as("closed with it").isEmpty();
  }
}
