package dev.postamt.imap;

import dev.postamt.mime.Address;
import dev.postamt.mime.HeaderText;
import dev.postamt.store.MessageContent;
import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.io.InputStream;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What SORT and THREAD need of one message's header, parsed once ({@link SortFieldCache} keeps it;
 * message files never change). Strings used as sort keys are already in comparison form ({@link
 * BaseSubject#casemap}).
 *
 * @param base the message file's base name ({@link MessageRecord#base}), which the cache checks so that
 *     a reused mailbox id or UIDVALIDITY can never yield another message's fields
 * @param sentDate the Date header in ms since the epoch; the internal date when it is missing or
 *     cannot be parsed (RFC 5256 §3, DATE)
 * @param subject the base subject (RFC 5256 §2.1), case-mapped
 * @param replyOrForward whether extracting the base subject removed a reply/forward marker
 * @param from {@code addr-mailbox} of the first From address (RFC 5256 §3), case-mapped; likewise to, cc
 * @param displayFrom display name of the first From address, else its address (RFC 5957 §2); likewise
 *     displayTo
 * @param messageId the first message id of Message-ID, without angle brackets; null when none
 * @param references the ids of References, else the first of In-Reply-To (RFC 5256 §2.2 step 1)
 */
record SortFields(
    String base,
    long sentDate,
    String subject,
    boolean replyOrForward,
    String from,
    String to,
    String cc,
    String displayFrom,
    String displayTo,
    String messageId,
    List<String> references) {

  /** At most this many ids of a References header are used (the nearest ancestors, at its end). */
  static final int MAX_REFERENCES = 256;

  /** The fields of a message whose file cannot be read: nothing but its internal date. */
  static SortFields missing(MessageRecord r) {
    return new SortFields(r.base(), r.internalDate(), "", false, "", "", "", "", "", null, List.of());
  }

  /**
   * Reads the header section of {@code content} (not the body: {@link SortHeader} stops at the empty
   * line) and parses it.
   */
  static SortFields read(MessageContent content, MessageRecord r, SortHeader.Buffer buffer) throws IOException {
    String[] v;
    try (InputStream in = content.stream()) {
      v = SortHeader.read(in, buffer);
    }
    return v == null ? missing(r) : parse(v, r);
  }

  /** The fields of a header section; {@code v} holds the first value of each of {@link SortHeader#NAMES}. */
  static SortFields parse(String[] v, MessageRecord r) {
    long internalDate = r.internalDate();
    String date = v[SortHeader.DATE];
    ZonedDateTime sent = date == null ? null : HeaderText.parseDate(HeaderText.unfold(date));
    String subj = v[SortHeader.SUBJECT];
    BaseSubject base = BaseSubject.of(subj == null ? null : HeaderText.decode(HeaderText.unfold(subj)));
    Address from = firstAddress(v[SortHeader.FROM]);
    Address to = firstAddress(v[SortHeader.TO]);
    List<String> refs = messageIds(v[SortHeader.REFERENCES]);
    if (refs.isEmpty()) {
      List<String> irt = messageIds(v[SortHeader.IN_REPLY_TO]);
      refs = irt.isEmpty() ? List.of() : List.of(irt.getFirst());
    } else if (refs.size() > MAX_REFERENCES) {
      refs = List.copyOf(refs.subList(refs.size() - MAX_REFERENCES, refs.size()));
    }
    List<String> ids = messageIds(v[SortHeader.MESSAGE_ID]);
    return new SortFields(
        r.base(),
        sent == null ? internalDate : sent.toInstant().toEpochMilli(),
        BaseSubject.casemap(base.text()),
        base.replyOrForward(),
        mailbox(from),
        mailbox(to),
        mailbox(firstAddress(v[SortHeader.CC])),
        display(from),
        display(to),
        ids.isEmpty() ? null : ids.getFirst(),
        refs);
  }

  private static Address firstAddress(String v) {
    if (v == null) {
      return null;
    }
    // The first entry, a group's start too: RFC 3501 gives it the group name as addr-mailbox, and so
    // the group name is what FROM/TO/CC and DISPLAYFROM/DISPLAYTO compare (as Dovecot does).
    for (Address a : Address.parseList(HeaderText.unfold(v))) {
      if (!a.isGroupEnd()) {
        return a;
      }
    }
    return null;
  }

  private static String mailbox(Address a) {
    return a == null || a.mailbox() == null ? "" : BaseSubject.casemap(HeaderText.toUnicode(a.mailbox()));
  }

  /** RFC 5957 §2: the decoded display name when there is one, else the address ({@code mailbox@host}). */
  private static String display(Address a) {
    if (a == null) {
      return "";
    }
    String name = a.name() == null ? "" : HeaderText.decode(a.name()).strip();
    if (name.isEmpty()) {
      String host = a.host() == null ? "" : a.host();
      name = host.isEmpty() ? a.mailbox() : a.mailbox() + "@" + host;
      name = HeaderText.toUnicode(name == null ? "" : name);
    }
    return BaseSubject.casemap(name);
  }

  /** The {@code <id>} tokens of a header value in order, brackets removed; text outside them is ignored. */
  static List<String> messageIds(String value) {
    List<String> out = new ArrayList<>();
    if (value == null) {
      return out;
    }
    String v = HeaderText.stripComments(HeaderText.unfold(value));
    int i = 0;
    while ((i = v.indexOf('<', i)) >= 0) {
      int end = v.indexOf('>', i + 1);
      if (end < 0) {
        break;
      }
      String id = v.substring(i + 1, end).strip();
      if (!id.isEmpty() && id.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '<')) {
        out.add(id);
      }
      i = end + 1;
    }
    return out;
  }
}
