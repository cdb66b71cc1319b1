package dev.postamt.cli;

import dev.postamt.transfer.MailboxTransfer;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt import ADDRESS mbox|maildir PATH} and {@code postamt export ADDRESS mbox|maildir PATH};
 * the logic is {@link dev.postamt.admin.TransferAdmin}. Each prints the verification report, one line a
 * folder, and exits 1 when a folder's two sides differ.
 */
final class TransferCommands {
  private TransferCommands() {}

  abstract static class Transfer extends AdminCommand {
    @Parameters(index = "0", paramLabel = "ADDRESS", description = "the user")
    String address;

    @Parameters(index = "1", paramLabel = "FORMAT", description = "mbox or maildir")
    String format;

    @Parameters(index = "2", paramLabel = "PATH", description = "mbox file or directory of mbox files; Maildir++ root")
    Path path;

    Integer report(String verb, MailboxTransfer.Report r) {
      r.notes().forEach(out()::println);
      r.folders().forEach(f -> out().println(f.line()));
      out().println(verb + " " + r.messages() + " messages in " + r.folders().size() + " folders: "
          + (r.ok() ? "verified, both sides match" : "VERIFICATION FAILED"));
      if (!r.ok()) {
        throw new CliException(verb + ": the verification found differences (see above)");
      }
      return 0;
    }
  }

  @Command(name = "import", description = "Import mbox files or a Maildir++ tree into a user's mailboxes, keeping"
      + " folders, flags, keywords and dates; prints a verification report.")
  static final class Import extends Transfer {
    @Override
    public Integer call() {
      return report("imported", admin().transfers().importMail(address, format, path));
    }
  }

  @Command(name = "export", description = "Export a user's mailboxes as mbox files or a Maildir++ tree, keeping"
      + " folders, flags, keywords and dates; prints a verification report.")
  static final class Export extends Transfer {
    @Override
    public Integer call() {
      return report("exported", admin().transfers().exportMail(address, format, path));
    }
  }
}
