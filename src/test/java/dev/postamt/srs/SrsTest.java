package dev.postamt.srs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The address format against Postsrsd's own test vectors (tests/unit/test_srs2.c and
 * tests/blackbox/socketmap.py of roehling/postsrsd: secret {@code tops3cr3t}, SRS domain {@code
 * example.com}, the clock at 2020-01-01 00:01:00 UTC), plus key rotation, the window and the key file.
 */
class SrsTest {
  /** Postsrsd's test time: 2020-01-01 00:01:00 UTC, day "2W". */
  static final Instant WHEN = Instant.ofEpochSecond(1577836860);

  @TempDir Path dir;

  private Srs srs(String keys, Instant now, int maxAgeDays) throws Exception {
    Path key = dir.resolve("srs.key");
    if (keys != null) {
      Files.writeString(key, keys);
    }
    return new Srs(new dev.postamt.config.Srs(true, "example.com", maxAgeDays, key),
        d -> d.equals("example.com") || d.equals("local.example"), Clock.fixed(now, ZoneOffset.UTC));
  }

  private Srs postsrsd() throws Exception {
    return srs("tops3cr3t\n", WHEN, 21);
  }

  @ParameterizedTest(name = "forward {0}")
  @CsvSource(delimiter = '|', textBlock = """
      test@otherdomain.com                                  | SRS0=vmyz=2W=otherdomain.com=test@example.com
      hash234@somedomain.com                                | SRS0=-3_5=2W=somedomain.com=hash234@example.com
      SRS0=opaque+string@otherdomain.com                    | SRS1=chaI=otherdomain.com==opaque+string@example.com
      SRS1=X=thirddomain.com==opaque+string@otherdomain.com | SRS1=JIBX=thirddomain.com==opaque+string@example.com
      test@example.com                                      | test@example.com
      someone@local.example                                 | someone@local.example
      SRS0=XjO9=2V=otherdomain.com=test@example.com         | SRS0=XjO9=2V=otherdomain.com=test@example.com
      foo                                                   | foo
      """)
  void forwardMatchesPostsrsd(String sender, String expected) throws Exception {
    assertThat(postsrsd().forward(sender)).isEqualTo(expected);
  }

  @Test
  void theNullSenderStaysNull() throws Exception {
    Srs s = postsrsd();
    assertThat(s.forward("")).isEmpty();
    assertThat(s.forward(null)).isNull();
    assertThat(s.forward("\"quoted local\"@otherdomain.com")).isEqualTo("\"quoted local\"@otherdomain.com");
  }

  @ParameterizedTest(name = "reverse {0}")
  @CsvSource(delimiter = '|', textBlock = """
      SRS0=XjO9=2V=otherdomain.com=test@example.com       | test@otherdomain.com
      SRS1=JIBX=thirddomain.com==opaque+string@example.com | SRS0=opaque+string@thirddomain.com
      srs0=xjo9=2v=otherdomain.com=test@example.com       | test@otherdomain.com
      SRS0=XJO9=2V=OTHERDOMAIN.COM=TEST@EXAMPLE.COM       | TEST@OTHERDOMAIN.COM
      SRS0=-3_5=2W=somedomain.com=hash234@example.com     | hash234@somedomain.com
      SRS0=+3/5=2W=somedomain.com=hash234@example.com     | hash234@somedomain.com
      """)
  void reverseMatchesPostsrsd(String address, String expected) throws Exception {
    assertThat(postsrsd().reverse(address)).contains(expected);
  }

  @ParameterizedTest(name = "refuse {0}")
  @CsvSource(delimiter = '|', textBlock = """
      SRS0=te87=T7=otherdomain.com=test@example.com     | EXPIRED
      SRS0=VcIb=7N=otherdomain.com=test@example.com     | EXPIRED
      SRS0=FAKE=2V=otherdomain.com=test@example.com     | BAD_HASH
      SRS0=FAKE=2V=otherdomain.com=test@foreign.example | BAD_HASH
      SRS1=FAKE=thirddomain.com==opaque+string@example.com | BAD_HASH
      SRS0=xj=2V=otherdomain.com=test@example.com       | BAD_HASH
      SRS0=@example.com                                 | MALFORMED
      SRS0=XjO9@example.com                             | MALFORMED
      SRS0=XjO9=2V@example.com                          | MALFORMED
      SRS0=XjO9=2V=otherdomain.com@example.com          | MALFORMED
      SRS0=XjO9=2!=otherdomain.com=test@example.com     | MALFORMED
      SRS1=JIBX=thirddomain.com@example.com             | MALFORMED
      """)
  void reverseRefusesWithAReason(String address, SrsException.Kind kind) throws Exception {
    Srs s = postsrsd();
    assertThatThrownBy(() -> s.reverse(address))
        .isInstanceOfSatisfying(SrsException.class, e -> assertThat(e.kind()).isEqualTo(kind))
        .hasMessageContaining("SRS address");
  }

  @Test
  void notAnSrsAddressIsEmpty() throws Exception {
    Srs s = postsrsd();
    assertThat(s.reverse("test@example.com")).isEmpty();
    assertThat(s.reverse("SRS2=a=b=c=d@example.com")).isEmpty();
    assertThat(s.reverse("srs0x@example.com")).isEmpty();
    assertThat(Srs.isSrs("SRS0-a@x")).isTrue();
    assertThat(Srs.isSrs("srs1+a@x")).isTrue();
    assertThat(Srs.isSrs("SRS0@x")).isFalse();
  }

  @Test
  void roundTripsThroughBothSchemesAndAForeignForwarder() throws Exception {
    Srs ours = postsrsd();
    String srs0 = ours.forward("Alice.Smith@Origin.Example");
    assertThat(srs0).startsWith("SRS0=").endsWith("=2W=Origin.Example=Alice.Smith@example.com");
    assertThat(ours.reverse(srs0)).contains("Alice.Smith@Origin.Example");
    assertThat(ours.reverse(srs0.toLowerCase())).contains("alice.smith@origin.example");

    // another forwarder (other key, other domain) forwards our SRS0 address on: SRS1 at theirs
    Path other = dir.resolve("other.key");
    Files.writeString(other, "another secret\n");
    Srs theirs = new Srs(new dev.postamt.config.Srs(true, "fwd.example", 21, other), d -> false,
        Clock.fixed(WHEN, ZoneOffset.UTC));
    String srs1 = theirs.forward(srs0);
    assertThat(srs1).startsWith("SRS1=").endsWith("=example.com=" + srs0.substring(4, srs0.indexOf('@')) + "@fwd.example");
    // the bounce reaches them; they hand it back to us as our SRS0 address, which we reverse
    String back = theirs.reverse(srs1).orElseThrow();
    assertThat(back).isEqualTo(srs0.substring(0, srs0.indexOf('@')) + "@example.com");
    assertThat(ours.reverse(back)).contains("Alice.Smith@Origin.Example");
    // a third forwarder keeps the first one's domain in its SRS1
    Srs third = new Srs(new dev.postamt.config.Srs(true, "third.example", 21, other), d -> false,
        Clock.fixed(WHEN, ZoneOffset.UTC));
    assertThat(third.forward(srs1)).contains("=example.com==").endsWith("@third.example");
    assertThat(third.reverse(third.forward(srs1))).contains(back);
  }

  @Test
  void theWindowIsMaxAgeDays() throws Exception {
    String made = srs("k1\n", WHEN, 21).forward("a@b.example");
    Instant day = WHEN;
    assertThat(srs(null, day.plus(Duration.ofDays(21)), 21).reverse(made)).contains("a@b.example");
    assertThatThrownBy(() -> srs(null, day.plus(Duration.ofDays(22)), 21).reverse(made))
        .isInstanceOfSatisfying(SrsException.class, e -> assertThat(e.kind()).isEqualTo(SrsException.Kind.EXPIRED))
        .hasMessageContaining("21 days");
    assertThat(srs(null, day.plus(Duration.ofDays(22)), 30).reverse(made)).contains("a@b.example");
    // the day counter wraps every 1024 days: the address is as old as it was then, not new again
    assertThatThrownBy(() -> srs(null, day.plus(Duration.ofDays(1024 + 30)), 21).reverse(made))
        .isInstanceOf(SrsException.class);
  }

  @Test
  void rotationSignsWithTheFirstAndVerifiesWithAll() throws Exception {
    String old = srs("old-secret\n", WHEN, 21).forward("a@b.example");
    Srs rotated = srs("# rotated\nnew-secret\n\nold-secret\n", WHEN, 21);
    assertThat(rotated.reverse(old)).contains("a@b.example");
    String fresh = rotated.forward("a@b.example");
    assertThat(fresh).isNotEqualTo(old);
    assertThat(srs("new-secret\n", WHEN, 21).reverse(fresh)).contains("a@b.example");
    assertThatThrownBy(() -> srs("new-secret\n", WHEN, 21).reverse(old)).isInstanceOf(SrsException.class);
  }

  @Test
  void theKeyFileIsCreatedOnFirstUseMode0600AndKept() throws Exception {
    Path key = dir.resolve("sub/srs.key");
    var settings = new dev.postamt.config.Srs(true, "example.com", 21, key);
    Srs s = new Srs(settings, d -> false, Clock.fixed(WHEN, ZoneOffset.UTC));
    assertThat(key).doesNotExist();
    String made = s.forward("a@b.example");
    assertThat(key).exists();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    String secret = Files.readString(key).strip();
    assertThat(secret).hasSizeGreaterThanOrEqualTo(40);
    assertThat(dir.resolve("sub")).isDirectoryNotContaining(p -> p.getFileName().toString().contains(".tmp-"));
    // another instance (a restart, the CLI) uses the same key
    Srs again = new Srs(settings, d -> false, Clock.fixed(WHEN, ZoneOffset.UTC));
    assertThat(again.reverse(made)).contains("a@b.example");
    assertThat(again.forward("a@b.example")).isEqualTo(made);
  }

  @Test
  void anEmptyKeyFileIsAnErrorNotAnEmptySecret() throws Exception {
    Srs s = srs("# nothing yet\n\n", WHEN, 21);
    assertThatThrownBy(() -> s.forward("a@b.example")).isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessageContaining("srs.key");
  }

  @Test
  void disabledChangesNothing() throws Exception {
    Srs off = new Srs(new dev.postamt.config.Srs(false, "example.com", 21, dir.resolve("k")), d -> false);
    assertThat(off.forward("a@b.example")).isEqualTo("a@b.example");
    assertThat(off.reverse("SRS0=FAKE=2V=otherdomain.com=test@example.com")).isEqualTo(Optional.empty());
    assertThat(dir.resolve("k")).doesNotExist();
  }

  @Test
  void timestampIsDaysModulo1024InBase32() {
    assertThat(Srs.timestamp(WHEN.getEpochSecond() / 86400)).isEqualTo("2W");
    assertThat(Srs.timestamp(0)).isEqualTo("AA");
    assertThat(Srs.timestamp(1023)).isEqualTo("77");
    assertThat(Srs.timestamp(1024)).isEqualTo("AA");
  }
}
