package dev.postamt.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.BindException;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The hint after a failed bind names the errno's real cause (a root test run cannot provoke EACCES). */
class BindHintTest {
  private static String hint(String message, int port) {
    return Listener.bindHint(new BindException(message), new InetSocketAddress("127.0.0.1", port), "smtp");
  }

  @Test
  void eachErrnoGetsItsOwnAdvice() {
    assertThat(hint("Permission denied", 25)).contains("ports below 1024 need root or CAP_NET_BIND_SERVICE")
        .contains("listen.smtp").doesNotContain("another");
    assertThat(hint("Permission denied", 2525)).doesNotContain("1024").contains("listen.smtp");
    assertThat(hint("Address already in use", 25)).contains("another program, perhaps another mail server");
    assertThat(hint("Cannot assign requested address", 25)).contains("address not available").doesNotContain("another");
    assertThat(hint("something else", 25)).isEqualTo(" (change listen.smtp in the config)");
  }
}
