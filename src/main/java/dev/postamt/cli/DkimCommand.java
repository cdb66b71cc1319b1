package dev.postamt.cli;

import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.mailauth.dkim.DkimKeys;
import dev.postamt.config.Config;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dkim", description = "DKIM signing keys.", subcommands = DkimCommand.Keygen.class)
final class DkimCommand {

  @Command(
      name = "keygen",
      description = "Create a signing key for a local domain; print the DNS TXT record to publish.")
  static final class Keygen implements Callable<Integer> {
    @Parameters(paramLabel = "DOMAIN", description = "a local domain")
    String domain;

    @Option(names = "--selector", paramLabel = "S",
        description = "DNS selector (default postamt-YYYYMM-ALGORITHM)")
    String selector;

    @Option(names = "--algorithm", paramLabel = "rsa|ed25519", defaultValue = "rsa",
        description = "rsa (2048 bits, default) or ed25519")
    String algorithm;

    @Mixin ConfigOption config;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
      Config c = config.load();
      String d;
      try {
        d = DkimKeys.normalizeDomain(domain);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      try (Directory dir = Directory.open(c.dataDir())) {
        if (!dir.isLocalDomain(d)) {
          throw new CliException("not a local domain: " + d + " (add it with 'postamt domain add " + d + "')");
        }
      } catch (DirectoryException e) {
        throw new CliException("directory: " + e.getMessage());
      }
      String alg = algorithm.toLowerCase(java.util.Locale.ROOT);
      String sel = selector != null ? selector : DkimKeys.defaultSelector(alg);
      DkimKeys.Generated g;
      try {
        g = DkimKeys.generate(c.dataDir(), d, sel, alg);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
      spec.commandLine().getOut().println("; key stored in " + g.key().file());
      spec.commandLine().getOut().println("; mail from " + d + " is signed with this key from now on: publish this record in DNS");
      spec.commandLine().getOut().println(g.zoneLine());
      return 0;
    }
  }
}
