package dev.postamt.managesieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad requests get a clear NO and the session goes on; too many of them, or silence, end it with BYE. */
class ManageSieveSyntaxTest {
  @RegisterExtension final ManageSieveTestServer server = ManageSieveTestServer.create()
      .settings(s -> new ManageSieveSettings(s.hostname(), 200, s.maxLiteralBeforeLogin(), s.idleTimeout(),
          s.commandDeadline(), 10, s.maxAuthFailures(), Duration.ZERO, false, false));

  @Test
  void badRequestsAreRefusedAndTheSessionContinues() throws Exception {
    SieveClient c = server.login();
    c.send("FROBNICATE").expect("NO \"Unknown command FROBNICATE\"");
    c.send("GETSCRIPT lists").expect("NO \"GETSCRIPT: argument 1 must be a quoted string or a literal\"");
    c.send("GETSCRIPT").expect("NO \"Syntax: GETSCRIPT \\\"name\\\"\"");
    c.send("GETSCRIPT \"unterminated").expect("NO \"A quoted string must not contain CR, LF or NUL; use a literal\"");
    c.send("GETSCRIPT \"bad \\escape\"").expect("NO \"Only * may be escaped in a quoted string; use a literal\"");
    c.send("\"not a command\"").expect("NO \"A request starts with a command name\"");
    c.send("GETSCRIPT \"x\" {abc+}").expect("NO \"Malformed literal: expected {NUMBER+}\"");
    c.raw("GETSCRIPT \"\u00ff\"\r\n".getBytes(StandardCharsets.ISO_8859_1)).expect("NO \"Strings must be UTF-8\"");
    c.send("noop").expect("OK \"Done\""); // command names in any case
    c.send("PUTSCRIPT \"x\" {5}\r\nkeep;").expect("OK *"); // a synchronizing literal is taken as well
  }

  @Test
  void tooManyBadCommandsEndTheSession() throws Exception {
    SieveClient c = server.connect();
    for (int i = 0; i < 9; i++) {
      c.send("BAD" + i).expect("NO *");
    }
    c.send("BAD9");
    c.expect("NO \"Unknown command BAD9\"");
    assertThat(c.readLine()).isEqualTo("BYE \"Too many bad commands; closing the connection\"");
    assertThat(c.closedByServer()).isTrue();
  }

  @Test
  void overlongLinesAreRefused() throws Exception {
    SieveClient c = server.connect();
    c.send("NOOP \"" + "x".repeat(300) + "\"").expect("NO \"Request line too long (limit 200 octets)\"");
    c.send("NOOP").expect("OK \"Done\"");
  }

  @Test
  void idleSessionsAreClosed(@TempDir Path dir) throws Exception {
    try (ManageSieveTestServer quick = ManageSieveTestServer.create()
        .settings(s -> s.withIdleTimeout(Duration.ofMillis(300)))) {
      quick.startIn(dir);
      SieveClient c = quick.connect();
      assertThat(c.readLine()).isEqualTo("BYE \"Disconnected for inactivity\"");
      assertThat(c.closedByServer()).isTrue();
    }
  }
}
