package dev.postamt.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.ScramClient;
import dev.postamt.testing.ScramUsers;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** AUTH SCRAM-SHA-256 (RFC 5034, RFC 7677) against a real directory, over POP3S. */
class Pop3ScramTest {
  @RegisterExtension final Pop3TestServer server = Pop3TestServer.create(ScramUsers::open);

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String challenge(String line) {
    assertThat(line).startsWith("+ ");
    return new String(Base64.getDecoder().decode(line.substring(2)), StandardCharsets.UTF_8);
  }

  Pop3Client connect() throws Exception {
    Pop3Client c = Pop3Client.connectTls(server.tlsPort());
    c.expect("+OK*");
    return c;
  }

  @Test
  void withAndWithoutInitialResponse() throws Exception {
    try (Pop3Client c = connect()) {
      ScramClient scram = new ScramClient("Alice@Example.test", "pencil");
      c.send("AUTH SCRAM-SHA-256 " + b64(scram.clientFirst()));
      c.send(b64(scram.clientFinal(challenge(c.readLine()))));
      assertThat(scram.verifyServer(challenge(c.readLine()))).isTrue();
      c.send("").expect("+OK Logged in*");
      c.send("STAT").expect("+OK 0 0");
    }
    try (Pop3Client c = connect()) {
      ScramClient scram = new ScramClient("alice@example.test", "pencil");
      c.send("AUTH scram-sha-256").expect("+ ");
      c.send(b64(scram.clientFirst()));
      c.send(b64(scram.clientFinal(challenge(c.readLine()))));
      assertThat(scram.verifyServer(challenge(c.readLine()))).isTrue();
      c.send("").expect("+OK Logged in*");
    }
  }

  @Test
  void failuresAndCancel() throws Exception {
    try (Pop3Client c = connect()) {
      ScramClient wrong = new ScramClient("alice@example.test", "pen");
      c.send("AUTH SCRAM-SHA-256 " + b64(wrong.clientFirst()));
      c.send(b64(wrong.clientFinal(challenge(c.readLine())))).expect("-ERR [AUTH] Authentication failed");
      c.send("AUTH SCRAM-SHA-256 " + b64(wrong.clientFirst()));
      c.readLine();
      c.send("*").expect("-ERR Authentication cancelled");
      c.send("AUTH SCRAM-SHA-256 !!!").expect("-ERR Invalid base64*");
      // carol has only a password hash: SCRAM fails until a plain login stores SCRAM credentials
      ScramClient carol = new ScramClient("carol@example.test", "crayon");
      c.send("AUTH SCRAM-SHA-256 " + b64(carol.clientFirst()));
      c.send(b64(carol.clientFinal(challenge(c.readLine())))).expect("-ERR [AUTH] Authentication failed");
      // the third failure (limit 3) ends the session
      c.send("AUTH SCRAM-SHA-256 " + b64(wrong.clientFirst()));
      c.send(b64(wrong.clientFinal(challenge(c.readLine())))).expect("-ERR [AUTH] *too many failures*");
      assertThat(c.closedByServer()).isTrue();
    }
    try (Pop3Client c = connect()) {
      c.login("carol@example.test", "crayon");
    }
    try (Pop3Client c = connect()) {
      ScramClient carol = new ScramClient("carol@example.test", "crayon");
      c.send("AUTH SCRAM-SHA-256 " + b64(carol.clientFirst()));
      c.send(b64(carol.clientFinal(challenge(c.readLine()))));
      assertThat(carol.verifyServer(challenge(c.readLine()))).isTrue();
      c.send("").expect("+OK Logged in*");
    }
  }
}
