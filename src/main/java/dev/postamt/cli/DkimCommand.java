package dev.postamt.cli;

import dev.postamt.admin.Admin;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dkim", description = "DKIM signing keys.", subcommands = DkimCommand.Keygen.class)
final class DkimCommand {

  @Command(
      name = "keygen",
      description = "Create a signing key for a local domain; print the DNS TXT record to publish.")
  static final class Keygen extends AdminCommand {
    @Parameters(paramLabel = "DOMAIN", description = "a local domain")
    String domain;

    @Option(names = "--selector", paramLabel = "S",
        description = "DNS selector (default postamt-YYYYMM-ALGORITHM)")
    String selector;

    @Option(names = "--algorithm", paramLabel = "rsa|ed25519", defaultValue = "rsa",
        description = "rsa (2048 bits, default) or ed25519")
    String algorithm;

    @Override
    public Integer call() throws IOException {
      Admin.DkimKey k = admin().dkimKeygen(domain, selector, algorithm);
      out().println("; key stored in " + k.file());
      out().println("; mail from " + k.domain() + " is signed with this key from now on: publish this record in DNS");
      return print(k.zoneLine());
    }
  }
}
