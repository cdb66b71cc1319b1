package dev.postamt.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.directory.LoginCheck;
import dev.postamt.net.AuthThrottle;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Basic authentication follows IMAP's rules: TLS or loopback, counted failures, one log line each. */
class BasicAuthTest {
  private static final LoginCheck LOGINS = (user, password) ->
      user.equalsIgnoreCase("alice@example.test") && new String(password).equals("secret")
          ? Optional.of("alice@example.test") : Optional.empty();
  private final List<InetAddress> failures = new ArrayList<>();
  private final AuthThrottle throttle = new AuthThrottle(3, Duration.ofMinutes(15), Clock.systemUTC(), d -> {});
  private final BasicAuth auth = new BasicAuth(LOGINS, throttle);

  {
    throttle.onFailure(failures::add);
  }

  private static String basic(String userPass) {
    return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8));
  }

  private static InetAddress ip(String a) throws Exception {
    return InetAddress.getByName(a);
  }

  @Test
  void theRightPasswordOverTlsLogsInAsTheCanonicalAddress() throws Exception {
    assertThat(auth.check(basic("ALICE@example.test:secret"), ip("192.0.2.1"), true))
        .isEqualTo(new BasicAuth.Ok("alice@example.test"));
  }

  @Test
  void plainHttpIsAllowedFromLoopbackOnly() throws Exception {
    assertThat(auth.check(basic("alice@example.test:secret"), ip("127.0.0.1"), false)).isInstanceOf(BasicAuth.Ok.class);
    assertThat(auth.check(basic("alice@example.test:secret"), ip("::1"), false)).isInstanceOf(BasicAuth.Ok.class);
    BasicAuth.Result r = auth.check(basic("alice@example.test:secret"), ip("192.0.2.1"), false);
    assertThat(r).isInstanceOfSatisfying(BasicAuth.Refused.class, no -> {
      assertThat(no.status()).isEqualTo(403);
      assertThat(no.challenge()).as("no invitation to send a password in the clear").isFalse();
    });
    assertThat(failures).as("refusing plaintext is not a failed login").isEmpty();
  }

  @Test
  void aWrongPasswordIsCountedAndTheAddressIsThrottledThen() throws Exception {
    InetAddress client = ip("192.0.2.7");
    for (int i = 0; i < 3; i++) {
      assertThat(auth.check(basic("alice@example.test:wrong" + i), client, true))
          .isEqualTo(new BasicAuth.Refused(401, "authentication failed", true));
    }
    assertThat(failures).containsExactly(client, client, client);
    assertThat(auth.check(basic("alice@example.test:secret"), client, true))
        .isInstanceOfSatisfying(BasicAuth.Refused.class, no -> assertThat(no.status()).isEqualTo(429));
    assertThat(auth.check(basic("alice@example.test:secret"), ip("192.0.2.8"), true)).isInstanceOf(BasicAuth.Ok.class);
  }

  @Test
  void malformedCredentialsFailWithoutAnException() throws Exception {
    int n = 20;
    for (String header : List.of("Basic !!!", "Basic " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, ':', 'x'}),
        basic("no-colon"), basic(":secret"))) {
      assertThat(auth.check(header, ip("192.0.2." + n++), true)).as(header)
          .isInstanceOfSatisfying(BasicAuth.Refused.class, no -> assertThat(no.status()).isEqualTo(401));
    }
    assertThat(auth.check(null, ip("192.0.2.10"), true)).isEqualTo(new BasicAuth.Refused(401, "authentication required", true));
    assertThat(auth.check("Bearer abc", ip("192.0.2.10"), true))
        .isInstanceOfSatisfying(BasicAuth.Refused.class, no -> assertThat(no.challenge()).isTrue());
  }

  @Test
  void aPasswordWithAColonIsKeptWhole() throws Exception {
    LoginCheck colon = (u, p) -> new String(p).equals("a:b") ? Optional.of(u) : Optional.empty();
    assertThat(new BasicAuth(colon, null).check(basic("u@example.test:a:b"), ip("127.0.0.1"), false))
        .isEqualTo(new BasicAuth.Ok("u@example.test"));
  }
}
