package dev.postamt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code postamt config show [--changed]}, like {@code postconf} and {@code postconf -n} (issue 14 item 5). */
class ConfigShowTest {
  @TempDir Path tmp;

  @Test
  void changedListsExactlyWhatTheFileSets() throws Exception {
    CliFixture cli = new CliFixture(tmp);
    Files.writeString(
        cli.config,
        Files.readString(cli.config)
            + "smtp = \"127.0.0.1:2525\"\n[limits]\nmessage_size = \"25M\"\nidle_timeout = \"90s\"\n"
            + "[transport]\n\"example.org\" = \"smtp:[relay.example.net]:2525\"\n");
    assertThat(cli.ok("config", "show", "--changed").lines())
        .containsExactly(
            "hostname = \"mx.test\"",
            "data_dir = \"" + cli.data + "\"",
            "",
            "[listen]",
            "smtp = \"127.0.0.1:2525\"",
            "",
            "[limits]",
            "message_size = 26214400",
            "idle_timeout = \"90s\"",
            "",
            "[transport]",
            "\"example.org\" = \"smtp:[relay.example.net]:2525\"");
  }

  @Test
  void theFullOutputIsAConfigThatLoadsToTheSameSettings() throws Exception {
    CliFixture cli = new CliFixture(tmp);
    Files.writeString(
        cli.config,
        Files.readString(cli.config)
            + "imap = \"127.0.0.1:2143\"\n[queue]\nretry = [\"30s\", \"2h\"]\n[relay]\nnetworks = [\"192.0.2.0/24\"]\n");
    String shown = cli.ok("config", "show").out();
    assertThat(shown).contains("[delivery]\nremote_port = 25\n").contains("retry = [\"30s\", \"2h\"]");
    Path copy = tmp.resolve("copy.toml");
    Files.writeString(copy, shown);
    Config original = Config.load(cli.config, true);
    Config again = Config.load(copy, true);
    assertThat(again).usingRecursiveComparison().ignoringFields("source").isEqualTo(original);
  }
}
