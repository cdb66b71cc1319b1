package dev.postamt.antivirus;

import dev.postamt.filter.Check;
import dev.postamt.filter.Findings;
import dev.postamt.filter.ScanInput;
import java.util.Map;

/**
 * The attachment rules as symbols of the spam verdict (issue 18 item 4), so that the {@code [spam]}
 * thresholds, the quarantine and the explanation apply to them as to every other finding. With {@code
 * antivirus.block_attachments} on, the end-of-DATA antivirus stage has already refused or held such a
 * message; with it off (the default) a forbidden attachment adds these scores, which an operator can
 * change with {@code score} lines like any rule's. The first finding per symbol counts, with its reason.
 */
public final class AttachmentCheck implements Check {
  /** Default scores: a disguised program is near-certain malware; a plain script or an encrypted archive is only suspicious. */
  static final Map<AttachmentSymbol, Double> SCORES = Map.ofEntries(
      Map.entry(AttachmentSymbol.ATTACH_EXECUTABLE_NAME, 3.0),
      Map.entry(AttachmentSymbol.ATTACH_DOUBLE_EXTENSION, 5.0),
      Map.entry(AttachmentSymbol.ATTACH_BIDI_NAME, 5.0),
      Map.entry(AttachmentSymbol.ATTACH_EXECUTABLE_CONTENT, 3.0),
      Map.entry(AttachmentSymbol.ARCHIVE_EXECUTABLE_NAME, 2.5),
      Map.entry(AttachmentSymbol.ARCHIVE_EXECUTABLE_CONTENT, 2.5),
      Map.entry(AttachmentSymbol.ARCHIVE_BOMB, 3.0),
      Map.entry(AttachmentSymbol.ARCHIVE_ENCRYPTED, 1.0),
      Map.entry(AttachmentSymbol.ARCHIVE_UNREADABLE, 0.5),
      Map.entry(AttachmentSymbol.ARCHIVE_UNSUPPORTED, 0.5),
      Map.entry(AttachmentSymbol.OFFICE_MACRO, 2.0));

  @Override
  public void check(ScanInput input, Findings out) {
    if (input.message().attachments().isEmpty()) {
      return; // nothing to look at: no second walk of the MIME tree
    }
    for (AttachmentPolicy.Finding f : AttachmentPolicy.check(input.message().root())) {
      double score;
      try {
        score = SCORES.getOrDefault(AttachmentSymbol.valueOf(f.symbol()), 1.0);
      } catch (IllegalArgumentException e) {
        score = 1.0;
      }
      out.add(f.symbol(), score, f.reason());
    }
  }
}
