package dev.postamt.imap;

import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import dev.postamt.search.SearchText;
import dev.postamt.search.SubstringAnswers;
import dev.postamt.search.SubstringQuery;
import dev.postamt.store.Flags;
import dev.postamt.store.MessageRecord;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Evaluates a {@link SearchKey} against one message (RFC 3501 §6.4.4). Strings match as
 * case-insensitive substrings of the decoded text (RFC 2047 words and UTF-8 headers decoded; the texts
 * are {@link SearchText}'s, which the full-text index shares); the file is read only when a key needs
 * headers or body and the index does not know the answer.
 */
final class SearchMatcher {
  private final SelectedMailbox sel;
  private final int msn;
  private final MessageRecord rec;
  private final SubstringAnswers answers;
  private MimePart root;
  private boolean loaded;

  SearchMatcher(SelectedMailbox sel, int msn, MessageRecord rec) {
    this(sel, msn, rec, SubstringAnswers.NONE);
  }

  /** @param answers what the full-text index knows of the string keys (see {@link IndexedSearch}) */
  SearchMatcher(SelectedMailbox sel, int msn, MessageRecord rec, SubstringAnswers answers) {
    this.sel = sel;
    this.msn = msn;
    this.rec = rec;
    this.answers = answers;
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
    if (!h.value().isEmpty()) {
      Boolean known = answers.decide(SubstringQuery.header(h.field(), h.value()), rec.uid());
      if (known != null) {
        return known;
      }
    }
    MimePart m = root();
    if (m == null) {
      return false;
    }
    String needle = SearchText.fold(h.value());
    if (needle.isEmpty()) {
      return !m.headers(h.field()).isEmpty();
    }
    return SearchText.headerStrings(m, h.field()).stream().anyMatch(s -> s.contains(needle));
  }

  private boolean text(SearchKey.Text t) {
    Boolean known = answers.decide(SubstringQuery.body(t.bodyOnly(), t.value()), rec.uid());
    if (known != null) {
      return known;
    }
    MimePart m = root();
    if (m == null) {
      return false;
    }
    String needle = SearchText.fold(t.value());
    if (!t.bodyOnly() && SearchText.headerLines(m).stream().anyMatch(s -> s.contains(needle))) {
      return true;
    }
    return SearchText.bodyStrings(m).stream().anyMatch(s -> s.contains(needle));
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
}
