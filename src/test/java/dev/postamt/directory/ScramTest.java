package dev.postamt.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.postamt.testing.ScramClient;

/** SCRAM-SHA-256: the RFC 7677 §3 example, and whole exchanges against a directory. */
class ScramTest {
  @TempDir Path dir;

  @Test
  void rfc7677Example() {
    byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    ScramCredentials c = ScramCredentials.derive("pencil".toCharArray(), salt, 4096);
    String authMessage =
        "n=user,r=rOprNGfwEbeRWgbNEkqO,"
            + "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
            + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    byte[] salted = ScramCredentials.saltedPassword("pencil".toCharArray(), salt, 4096);
    byte[] clientKey = ScramCredentials.hmac(salted, "Client Key");
    byte[] clientSig = ScramCredentials.hmac(c.storedKey(), authMessage.getBytes(StandardCharsets.UTF_8));
    byte[] proof = new byte[32];
    for (int i = 0; i < 32; i++) {
      proof[i] = (byte) (clientKey[i] ^ clientSig[i]);
    }
    assertThat(Base64.getEncoder().encodeToString(proof)).isEqualTo("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    byte[] serverSig = ScramCredentials.hmac(c.serverKey(), authMessage.getBytes(StandardCharsets.UTF_8));
    assertThat(Base64.getEncoder().encodeToString(serverSig)).isEqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    assertThat(ScramCredentials.decode(c.encode())).usingRecursiveComparison().isEqualTo(c);
  }

  @Test
  void exchangeWithTheDirectory() throws Exception {
    try (Directory d = Directory.open(dir)) {
      d.addDomain("example.test");
      d.addUser("alice@example.test", "pencil".toCharArray());
      ScramClient client = new ScramClient("Alice@Example.test", "pencil");
      ScramServer server = new ScramServer(d);
      String serverFinal = server.clientFinal(client.clientFinal(server.clientFirst(client.clientFirst())));
      assertThat(client.verifyServer(serverFinal)).isTrue();
      assertThat(server.user()).isEqualTo("alice@example.test");

      ScramClient wrong = new ScramClient("alice@example.test", "pen");
      ScramServer s2 = new ScramServer(d);
      assertThatThrownBy(() -> s2.clientFinal(wrong.clientFinal(s2.clientFirst(wrong.clientFirst()))))
          .isInstanceOf(ScramServer.ScramException.class);

      // unknown users get a plausible server-first-message, then fail
      ScramClient ghost = new ScramClient("ghost@example.test", "x");
      ScramServer s3 = new ScramServer(d);
      String first = s3.clientFirst(ghost.clientFirst());
      assertThat(first).matches("r=.+,s=[A-Za-z0-9+/=]{24},i=4096");
      assertThatThrownBy(() -> s3.clientFinal(ghost.clientFinal(first))).isInstanceOf(ScramServer.ScramException.class);

      assertThatThrownBy(() -> new ScramServer(d).clientFirst("p=tls-unique,,n=a,r=x")).hasMessageContaining("channel binding");
      assertThatThrownBy(() -> new ScramServer(d).clientFirst("garbage")).isInstanceOf(ScramServer.ScramException.class);
    }
  }

  @Test
  void usersAddedWithOnlyAHashGetScramAtTheirFirstPlainLogin() throws Exception {
    try (Directory d = Directory.open(dir)) {
      d.addDomain("example.test");
      d.addUserWithHash("bob@example.test", PasswordHash.hash("pw".toCharArray()));
      assertThat(d.scramCredentials("bob@example.test")).isEmpty();
      assertThat(d.authenticate("bob@example.test", "pw".toCharArray())).contains("bob@example.test");
      assertThat(d.scramCredentials("bob@example.test")).isPresent();
    }
  }
}
