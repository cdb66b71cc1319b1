package dev.postamt.reports;

import dev.postamt.store.Account;
import dev.postamt.store.MailStore;
import dev.postamt.store.MailboxInfo;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reports mailbox ({@code [reports] mailbox}): mail to it is delivered like any other (a report that
 * cannot be parsed stays in the mailbox, nothing is lost), and then read here — each message of INBOX
 * and Junk whose UID is above the last one read, in UID order. The position is kept per mailbox and
 * UIDVALIDITY in the {@link ReportStore}, so a restart reads on where it stopped, and a report read twice
 * is still stored once.
 */
public final class ReportMailbox {
  private static final Logger log = LoggerFactory.getLogger(ReportMailbox.class);
  private static final List<String> FOLDERS = List.of("INBOX", "Junk");

  private final String address;
  private final MailStore mail;
  private final ReportStore store;
  private final ReportIntake intake;

  public ReportMailbox(String address, MailStore mail, ReportStore store, ReportIntake intake) {
    this.address = address;
    this.mail = mail;
    this.store = store;
    this.intake = intake;
  }

  public String address() {
    return address;
  }

  /** Reads the messages that arrived since the last scan. */
  public synchronized ReportIntake.Outcome scan() throws ReportException {
    ReportIntake.Outcome total = ReportIntake.Outcome.NONE;
    if (!mail.exists(address)) {
      return total;
    }
    try (Account account = mail.open(address)) {
      for (String folder : FOLDERS) {
        Optional<MailboxInfo> box = account.mailbox(folder);
        if (box.isEmpty()) {
          continue;
        }
        String key = address + "/" + folder;
        long last = store.lastUid(key, box.get().uidValidity());
        List<MessageRecord> fresh = account.messages(box.get().id()).stream().filter(m -> m.uid() > last)
            .sorted(Comparator.comparingLong(MessageRecord::uid)).toList();
        for (MessageRecord m : fresh) {
          byte[] bytes;
          try (MessageContent c = account.open(box.get(), m).orElse(null)) {
            if (c == null) {
              continue; // expunged meanwhile
            }
            bytes = c.readAllBytes();
          } catch (IOException e) {
            log.warn("reports: cannot read {} {} UID {}: {}; read again on the next scan", address, folder, m.uid(),
                e.getMessage());
            return total;
          }
          ReportIntake.Outcome o = intake.message(address + " " + folder + " UID " + m.uid(), bytes);
          o.problems().forEach(p -> log.warn("reports: {} (the message stays in the mailbox)", p));
          total = total.plus(o);
          store.setLastUid(key, box.get().uidValidity(), m.uid());
        }
      }
    } catch (RuntimeException e) { // the store's failures are unchecked
      throw new ReportException("cannot read the reports mailbox " + address + ": " + e.getMessage(), e);
    }
    return total;
  }
}
