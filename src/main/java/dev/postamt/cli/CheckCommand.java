package dev.postamt.cli;

import dev.postamt.dns.Resolver;
import dev.postamt.dns.Resolvers;
import dev.postamt.mailauth.InboundAuthenticator;
import dev.postamt.mailauth.spf.SpfResult;
import dev.postamt.mailauth.spf.SpfVerifier;
import dev.postamt.config.Config;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code postamt check ...}: run an inbound check by hand, with the DNS the config names (so a
 * {@code [dns] zone_file} makes it fully offline). Each check is a subcommand.
 */
@Command(name = "check", description = "Run inbound checks by hand.", subcommands = {CheckCommand.Spf.class, CheckCommand.Message.class})
final class CheckCommand {

  /** The resolver the config asks for, with a zone-file problem as one CLI error line. */
  static Resolver resolver(Config config) {
    try {
      return Resolvers.fromConfig(config);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }

  static InetAddress address(String ip) {
    String s = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    try {
      return InetAddress.ofLiteral(s);
    } catch (IllegalArgumentException e) {
      throw new CliException("--ip: \"" + ip + "\" is not an IP address", 2);
    }
  }

  @Command(
      name = "spf",
      description = {
        "Evaluate SPF (RFC 7208) for a client address and MAIL FROM, or the HELO name when --mail-from is empty.",
        "The first word printed is the result: pass, fail, softfail, neutral, none, permerror or temperror."
      })
  static final class Spf implements Callable<Integer> {
    @Option(names = "--ip", required = true, paramLabel = "IP", description = "the SMTP client's address")
    String ip;

    @Option(names = "--mail-from", paramLabel = "ADDR", defaultValue = "", description = "the MAIL FROM address; empty for the null sender")
    String mailFrom;

    @Option(names = "--helo", paramLabel = "NAME", defaultValue = "", description = "the HELO/EHLO name")
    String helo;

    @Mixin ConfigOption config;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      InetAddress client = address(ip);
      Config c = config.load();
      if (mailFrom.isBlank() && helo.isBlank()) {
        throw new CliException("give --mail-from or, for the null sender, --helo", 2);
      }
      SpfResult r = new SpfVerifier(resolver(c), c.hostname()).check(client, mailFrom, helo);
      PrintWriter out = spec.commandLine().getOut();
      out.println(r.result().keyword() + " (" + r.reason() + ")");
      out.println("identity: " + r.identity().property() + "=" + (r.identity() == SpfResult.Identity.MAILFROM ? r.sender() : r.domain()));
      r.explanation().ifPresent(e -> out.println("explanation: " + e));
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "message",
      description = {
        "Run the inbound checks (SPF, DKIM, DMARC, iprev) on a message file as if it had arrived on port 25.",
        "Prints the Authentication-Results header Postamt would add, then a line 'verdict: accept|reject: …'."
      })
  static final class Message implements Callable<Integer> {
    @picocli.CommandLine.Parameters(paramLabel = "FILE", description = "the message (RFC 5322, as received)")
    java.nio.file.Path file;

    @Option(names = "--ip", required = true, paramLabel = "IP", description = "the SMTP client's address")
    String ip;

    @Option(names = "--mail-from", paramLabel = "ADDR", defaultValue = "", description = "the MAIL FROM address; empty for the null sender")
    String mailFrom;

    @Option(names = "--helo", paramLabel = "NAME", defaultValue = "", description = "the HELO/EHLO name")
    String helo;

    @Mixin ConfigOption config;

    @Spec CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
      InetAddress client = address(ip);
      Config c = config.load();
      if (!java.nio.file.Files.isReadable(file)) {
        throw new CliException("cannot read " + file);
      }
      InboundAuthenticator auth = new InboundAuthenticator(c, resolver(c));
      InboundAuthenticator.Evaluation e =
          auth.evaluate(
              client,
              mailFrom,
              helo,
              () -> {
                try {
                  return new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file));
                } catch (java.io.IOException ex) {
                  throw new UncheckedIOException(ex);
                }
              });
      PrintWriter out = spec.commandLine().getOut();
      out.print(e.header().replace("\r\n", "\n"));
      if (!e.forged().isEmpty()) {
        out.println("removed: " + e.forged().size() + " forged Authentication-Results field(s) naming " + c.hostname());
      }
      out.println("verdict: " + e.verdict());
      out.flush();
      return 0;
    }
  }
}
