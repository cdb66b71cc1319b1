package dev.postamt.web;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.jmap.EventStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A port that cannot be bound is one clear sentence naming the address, the service and the fix. */
class WebServerBindTest {
  @Test
  void aBusyPortIsOneLineNamingTheKey() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      InetSocketAddress a = new InetSocketAddress("127.0.0.1", busy.getLocalPort());
      assertThatThrownBy(() -> WebServer.start(Optional.of(a), Optional.empty(), null,
          new WebHandler(null, null, new EventStream(null), null, null, null, java.util.List.of()), new EventStream(null), 1000))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("cannot listen on 127.0.0.1:" + a.getPort() + " for http: ")
          .hasMessageContaining("change listen.http in the config");
    }
  }
}
