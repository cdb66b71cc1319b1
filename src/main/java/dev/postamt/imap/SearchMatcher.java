package dev.postamt.imap;

import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import dev.postamt.store.Flags;
import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * Evaluates a {@link SearchKey} against one message (RFC 3501 §6.4.4). Strings match as
 * case-insensitive substrings of the decoded text (RFC 2047 words and UTF-8 headers decoded); the file
 * is read only when a key needs headers or body.
 */
final class SearchMatcher {
  private final SelectedMailbox sel;
  private final int msn;
  private final MessageRecord rec;
  private MimePart root;
  private boolean loaded;

  SearchMatcher(SelectedMailbox sel, int msn, MessageRecord rec) {
    this.sel = sel;
    this.msn = msn;
    this.rec = rec;
  }

  boolean matches(SearchKey k) {
    return switch (k) {
      case SearchKey.All a -> true;
      case SearchKey.And and -> and.keys().stream().allMatch(this::matches);
      case SearchKey.Or or -> matches(or.a()) || matches(or.b());
      case SearchKey.Not not -> !matches(not.key());
      case SearchKey.Sequence s when s.set().saved() -> sel.isSaved(rec.uid()); // RFC 5182 "$", UID or not
      case SearchKey.Sequence s -> {
        long max = s.uid() ? (sel.size() == 0 ? 0 : sel.uid(sel.size())) : sel.size();
        yield s.set().contains(s.uid() ? rec.uid() : msn, max);
      }
      case SearchKey.Flag f ->
          (f.flag().equalsIgnoreCase(Flags.RECENT) ? sel.isRecent(rec.uid()) : rec.has(f.flag())) == f.set();
      case SearchKey.New n -> sel.isRecent(rec.uid()) && !rec.has(Flags.SEEN);
      case SearchKey.Old o -> !sel.isRecent(rec.uid());
      case SearchKey.Size s -> s.larger() ? rec.size() > s.bytes() : rec.size() < s.bytes();
      case SearchKey.ModSeq m -> rec.modseq() >= m.modseq();
      case SearchKey.Date d -> compareDate(d);
      case SearchKey.Header h -> header(h);
      case SearchKey.Text t -> text(t);
      case SearchKey.Within w ->
          (System.currentTimeMillis() - rec.internalDate() <= w.seconds() * 1000) == w.younger();
      // THREADID is NIL for every message (ObjectIds), so no THREADID key matches (RFC 8474 §5.2).
      case SearchKey.ObjectId o -> !o.thread() && o.id().equals(ObjectIds.email(sel, rec));
    };
  }

  private boolean compareDate(SearchKey.Date d) {
    LocalDate date;
    if (d.field() != SearchKey.DateField.SENT) {
      long at = d.field() == SearchKey.DateField.SAVED ? rec.saveDate() : rec.internalDate();
      date = Instant.ofEpochMilli(at).atZone(ZoneId.systemDefault()).toLocalDate();
    } else {
      MimePart m = root();
      ZonedDateTime sent = m == null ? null : HeaderText.parseDate(m.header("Date"));
      if (sent == null) {
        return false;
      }
      date = sent.toLocalDate();
    }
    return switch (d.op()) {
      case BEFORE -> date.isBefore(d.date());
      case ON -> date.equals(d.date());
      case SINCE -> !date.isBefore(d.date());
    };
  }

  private boolean header(SearchKey.Header h) {
    MimePart m = root();
    if (m == null) {
      return false;
    }
    String needle = fold(h.value());
    for (String v : m.headers(h.field())) {
      if (needle.isEmpty() || fold(HeaderText.decode(v)).contains(needle)) {
        return true;
      }
      if (ADDRESS_FIELDS.contains(h.field().toLowerCase(java.util.Locale.ROOT)) && addressesContain(v, needle)) {
        return true;
      }
    }
    return false;
  }

  private static final java.util.Set<String> ADDRESS_FIELDS =
      java.util.Set.of("from", "to", "cc", "bcc", "sender", "reply-to");

  /**
   * Address headers are also matched in their normalised form, {@code Name <local@host>}, so that
   * comments and white space inside an address ({@code <a (c)@ b.org>}) do not hide it, as Dovecot does.
   */
  private boolean addressesContain(String value, String needle) {
    for (dev.postamt.mime.Address a : dev.postamt.mime.Address.parseList(value)) {
      if (a.isGroupEnd()) {
        continue;
      }
      String email = a.email();
      String form = a.name() == null ? email : HeaderText.decode(a.name()) + " <" + email + ">";
      if (fold(form).contains(needle)) {
        return true;
      }
    }
    return false;
  }

  private boolean text(SearchKey.Text t) {
    MimePart m = root();
    if (m == null) {
      return false;
    }
    String needle = fold(t.value());
    if (!t.bodyOnly()) {
      for (MimePart.Field f : m.fields()) {
        if (fold(f.name() + ": " + HeaderText.decode(f.value())).contains(needle)) {
          return true;
        }
      }
    }
    return bodyContains(m, needle);
  }

  /** Searches text parts, decoding quoted-printable and base64 so users find what they read. */
  private static boolean bodyContains(MimePart p, String needle) {
    if (p.isMultipart()) {
      for (MimePart c : p.children()) {
        if (bodyContains(c, needle)) {
          return true;
        }
      }
      return false;
    }
    if (p.message() != null) {
      return bodyContains(p.message(), needle);
    }
    byte[] raw = java.util.Arrays.copyOfRange(p.data(), p.bodyStart(), p.end());
    byte[] decoded = switch (p.encoding()) {
      case "base64" -> {
        try {
          yield java.util.Base64.getMimeDecoder().decode(raw);
        } catch (IllegalArgumentException e) {
          yield raw;
        }
      }
      case "quoted-printable" -> QuotedPrintable.decode(raw);
      default -> raw;
    };
    String charset = p.params().getOrDefault("charset", "utf-8");
    String text;
    try {
      text = new String(decoded, java.nio.charset.Charset.forName(charset));
    } catch (RuntimeException e) {
      text = new String(decoded, StandardCharsets.UTF_8);
    }
    return fold(text).contains(needle);
  }

  private static String fold(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private MimePart root() {
    if (!loaded) {
      loaded = true;
      try {
        java.util.Optional<dev.postamt.store.MessageContent> c = sel.open(rec);
        if (c.isPresent()) {
          try (dev.postamt.store.MessageContent content = c.get()) {
            root = MimePart.parse(content.readAllBytes());
          }
        }
      } catch (IOException | RuntimeException e) {
        root = null;
      }
    }
    return root;
  }

  /** Quoted-printable body decoding (RFC 2045 §6.7), lenient. */
  static final class QuotedPrintable {
    private QuotedPrintable() {}

    static byte[] decode(byte[] in) {
      java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream(in.length);
      for (int i = 0; i < in.length; i++) {
        byte c = in[i];
        if (c == '=' && i + 1 < in.length) {
          if (in[i + 1] == '\r' || in[i + 1] == '\n') {
            i += in[i + 1] == '\r' && i + 2 < in.length && in[i + 2] == '\n' ? 2 : 1;
            continue;
          }
          if (i + 2 < in.length) {
            int hi = Character.digit(in[i + 1], 16);
            int lo = Character.digit(in[i + 2], 16);
            if (hi >= 0 && lo >= 0) {
              o.write(hi * 16 + lo);
              i += 2;
              continue;
            }
          }
        }
        o.write(c);
      }
      return o.toByteArray();
    }
  }
}
