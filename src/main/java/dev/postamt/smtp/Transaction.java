package dev.postamt.smtp;

import dev.postamt.queue.Envelope;
import dev.postamt.routing.Resolution;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One mail transaction (RFC 5321 §3.3): the sender, the recipients, and the BDAT spool file while
 * chunks arrive.
 *
 * <p>Recipients are collapsed as Postfix's cleanup does: a RCPT for an address already accepted is
 * answered like any other but adds nothing, so 200 × {@code RCPT TO:<alice@…>} is one copy, one status,
 * one notice. Two addresses are the same by {@link RecipientLookup#duplicateKey} (domain case, and for
 * addresses the directory knows, local part case too). The first one's NOTIFY and ORCPT are kept.
 * {@code limits.recipients} counts accepted RCPT commands, duplicates included, before any alias
 * expansion (as Postfix's {@code smtpd_recipient_limit} does).
 *
 * <p>What the router said about each recipient at RCPT is kept with it ({@link #resolutions}), so that
 * the spam scan's local users and the delivery before the reply use it rather than resolve the address
 * again. The queue's later attempts resolve from the spool alone, as after a restart.
 */
final class Transaction {
  final MailPath sender;
  private final List<Envelope.Recipient> recipients = new ArrayList<>();
  private final Set<String> keys = new HashSet<>();
  /** Every accepted RCPT's address in order, repeats included: LMTP answers each after the data. */
  private final List<String> accepted = new ArrayList<>();
  private final Map<String, Resolution> resolutions = new HashMap<>();

  /** What the {@code [policy]} access maps asked for at RCPT, applied to the message at END_OF_DATA. */
  final List<dev.postamt.policy.Effect> policyEffects = new ArrayList<>();

  /** The message of a BDAT transaction while its chunks arrive (null before the first chunk). */
  MessageReceiver.Chunks chunks;

  Transaction(MailPath sender) {
    this.sender = sender;
  }

  /** RCPT commands accepted so far, duplicates included. */
  int acceptedCount() {
    return accepted.size();
  }

  /** The address of every accepted RCPT, in order, repeats included. */
  List<String> acceptedAddresses() {
    return List.copyOf(accepted);
  }

  /**
   * Records an accepted RCPT and, when it is {@linkplain RecipientLookup#plainResolution plain}, what the
   * router said about it; false when it repeats an earlier recipient (nothing is added).
   */
  boolean add(StageContext.Recipient looked, Envelope.Recipient r) {
    if (RecipientLookup.plainResolution(looked)) {
      resolutions.putIfAbsent(looked.address(), looked.resolution());
    }
    return add(RecipientLookup.duplicateKey(looked), r);
  }

  /** The router's answers at RCPT by recipient address (a read-only view); an address missing is resolved anew. */
  Map<String, Resolution> resolutions() {
    return Collections.unmodifiableMap(resolutions);
  }

  /** Records an accepted RCPT; false when it repeats an earlier recipient (nothing is added). */
  boolean add(String key, Envelope.Recipient r) {
    accepted.add(r.address());
    if (!keys.add(key)) {
      return false;
    }
    recipients.add(r);
    return true;
  }

  /** The distinct recipients so far, in order (a read-only view). */
  List<Envelope.Recipient> recipients() {
    return java.util.Collections.unmodifiableList(recipients);
  }

  boolean hasRecipients() {
    return !recipients.isEmpty();
  }

  /** Drops the BDAT spool file, if any; nothing was acknowledged. */
  void abort() {
    if (chunks != null) {
      chunks.writer().abort();
      chunks = null;
    }
  }
}
