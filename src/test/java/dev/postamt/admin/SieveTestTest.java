package dev.postamt.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.postamt.config.Config;
import dev.postamt.mda.MemorySieveScripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt sieve test}: the actions printed as Pigeonhole's sieve-test prints them, nothing delivered. */
class SieveTestTest {
  static final String ALICE = "alice@example.test";
  static final byte[] MESSAGE = ("Return-Path: <bob@example.org>\r\nFrom: Bob <bob@example.org>\r\nTo: " + ALICE
      + "\r\nSubject: Invoice 42\r\nMessage-ID: <x@example.org>\r\n\r\nPlease pay.\r\n").getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;
  Config config;

  @BeforeEach
  void setUp() throws Exception {
    Path file = dir.resolve("postamt.toml");
    Files.writeString(file, "hostname = \"mx.example.test\"\ndata_dir = \"data\"\n");
    config = Config.load(file, true);
  }

  @Test
  void printsThePerformedActionsAndTheImplicitKeep() {
    MemorySieveScripts scripts = new MemorySieveScripts().activate(ALICE, "main", """
        require ["fileinto", "copy", "vacation"];
        if header :contains "subject" "invoice" {
          fileinto :copy "Bills";
          redirect "accounting@example.net";
        }
        vacation "Away.";
        """);
    List<String> out = SieveTest.run(config, scripts, ALICE, MESSAGE);
    assertThat(out).containsSubsequence("Performed actions:", "",
        " * store message in folder: Bills",
        " * redirect message to: accounting@example.net",
        " * send vacation message to: bob@example.org", "", "Implicit keep:", "", "  (none)");
    assertThat(out.getLast()).isEqualTo("info: final result: success");
    assertThat(Files.exists(dir.resolve("data/queue"))).isFalse();
  }

  @Test
  void theKeepOfAScriptThatDoesNothingIsTheImplicitKeep() {
    List<String> out = SieveTest.run(config, new MemorySieveScripts(), ALICE, MESSAGE);
    assertThat(out).containsSubsequence("Performed actions:", "", "  (none)", "", "Implicit keep:", "",
        " * store message in folder: INBOX");
  }

  @Test
  void aBrokenScriptShowsItsErrorAndTheKeep() {
    MemorySieveScripts scripts = new MemorySieveScripts().activate(ALICE, "bad", "keep;\nfrobnicate;\n");
    List<String> out = SieveTest.run(config, scripts, ALICE, MESSAGE);
    assertThat(out).contains(" * store message in folder: INBOX");
    assertThat(out).anyMatch(l -> l.startsWith("error: script=bad line=2: "));
    assertThat(out.getLast()).isEqualTo("info: final result: failed (implicit keep)");
  }

  @Test
  void aBadAddressIsAOneLineError() {
    assertThatThrownBy(() -> SieveTest.run(config, null, "nobody", MESSAGE)).isInstanceOf(AdminException.class)
        .hasMessage("not an address: nobody");
  }
}
