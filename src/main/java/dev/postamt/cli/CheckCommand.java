package dev.postamt.cli;

import dev.postamt.mailauth.InboundAuthenticator;
import dev.postamt.mailauth.spf.SpfResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt check ...}: run an inbound check by hand, with the DNS the config names (so a
 * {@code [dns] zone_file} makes it fully offline). Each check is a subcommand.
 */
@Command(name = "check", description = "Run inbound checks by hand.", subcommands = {CheckCommand.Spf.class, CheckCommand.Message.class, CheckCommand.Policy.class})
final class CheckCommand {

  /** The SMTP client a check pretends to be: its address, MAIL FROM and HELO. */
  abstract static class ClientCheck extends AdminCommand {
    @Option(names = "--ip", required = true, paramLabel = "IP", description = "the SMTP client's address")
    String ip;

    @Option(names = "--mail-from", paramLabel = "ADDR", defaultValue = "", description = "the MAIL FROM address; empty for the null sender")
    String mailFrom;

    @Option(names = "--helo", paramLabel = "NAME", defaultValue = "", description = "the HELO/EHLO name")
    String helo;

    /** {@code --ip} as an address; a bad one is a usage error (status 2). */
    InetAddress client() {
      String s = ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
      try {
        return InetAddress.ofLiteral(s);
      } catch (IllegalArgumentException e) {
        throw new CliException("--ip: \"" + ip + "\" is not an IP address", 2);
      }
    }
  }

  @Command(
      name = "spf",
      description = {
        "Evaluate SPF (RFC 7208) for a client address and MAIL FROM, or the HELO name when --mail-from is empty.",
        "The first word printed is the result: pass, fail, softfail, neutral, none, permerror or temperror."
      })
  static final class Spf extends ClientCheck {
    @Override
    public Integer call() {
      InetAddress client = client();
      var admin = admin();
      if (mailFrom.isBlank() && helo.isBlank()) {
        throw new CliException("give --mail-from or, for the null sender, --helo", 2);
      }
      SpfResult r = admin.checkSpf(client, mailFrom, helo);
      PrintWriter out = out();
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
        "Prints the Authentication-Results header Postamt would add, then a line 'verdict: accept|reject: …',",
        "then the antivirus and attachment verdict ('antivirus: …', 'attachment: SYMBOL: reason', 'content action: …'),",
        "then the spam verdict ('spam: score=… required=… action=…', a line per symbol: NAME score reason,",
        "'spam action: …') and the X-Spam-Status field Postamt would add."
      })
  static final class Message extends ClientCheck {
    @Parameters(paramLabel = "FILE", description = "the message (RFC 5322, as received)")
    Path file;

    @Override
    public Integer call() throws IOException {
      InetAddress client = client();
      var admin = admin();
      InboundAuthenticator.Evaluation e = admin.checkMessage(client, mailFrom, helo, file);
      PrintWriter out = out();
      out.print(e.header().replace("\r\n", "\n"));
      if (!e.forged().isEmpty()) {
        out.println("removed: " + e.forged().size() + " forged Authentication-Results field(s) naming " + admin.config().hostname());
      }
      out.println("verdict: " + e.verdict());
      admin.checkContent(file).forEach(out::println);
      spam(admin, client, e.header(), out);
      out.flush();
      return 0;
    }

    /** The spam verdict (issue 17): every symbol with its score and reason, the action, the X-Spam-Status field. */
    private void spam(dev.postamt.admin.Admin admin, InetAddress client, String authResults, PrintWriter out) {
      admin.checkSpam(client, mailFrom, helo, file, authResults).forEach(out::println);
    }
  }

  @Command(
      name = "policy",
      description = {
        "Show what each [policy] restriction list (client, helo, sender, recipient, data, end_of_data) would decide",
        "for this client, HELO name, sender and recipient, check by check and why, with the configured DNS and the",
        "live greylist state (read only). The last line is 'result: accept' or the refusal."
      })
  static final class Policy extends ClientCheck {
    @Option(names = "--rcpt", required = true, paramLabel = "ADDR", description = "the RCPT TO address")
    String rcpt;

    @Override
    public Integer call() {
      InetAddress client = client();
      var admin = admin();
      PrintWriter out = out();
      admin.checkPolicy(client, helo, mailFrom, rcpt).forEach(out::println);
      out.flush();
      return 0;
    }
  }
}
