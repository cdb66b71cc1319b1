package dev.postamt.admin;

import dev.postamt.antivirus.AttachmentPolicy;
import dev.postamt.antivirus.VirusScanner;
import dev.postamt.config.Antivirus;
import dev.postamt.config.Config;
import dev.postamt.mime.MimePart;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The antivirus and attachment part of {@code postamt check message FILE}: what clamd says about the
 * message (when {@code antivirus.clamd} is set) and every attachment rule that matches, each a line
 * {@code antivirus: …} or {@code attachment: SYMBOL: reason}, and the action the server would take.
 */
final class ContentVerdict {
  private ContentVerdict() {}

  static List<String> lines(Config config, Path file) {
    Antivirus av = config.antivirus();
    List<String> out = new ArrayList<>();
    boolean found = false;
    if (!av.enabled()) {
      out.add("antivirus: off (antivirus.clamd is empty)");
    } else {
      VirusScanner.Verdict v = new VirusScanner(av).scan(() -> {
        try {
          return MessageFiles.openMessage(file);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      switch (v) {
        case VirusScanner.Verdict.Clean c -> out.add("antivirus: clean (clamd " + c.version() + ")"
            + (c.partial() == 0 ? "" : ", partial: " + c.partial() + " stream(s) over " + av.maxSize() + " bytes"));
        case VirusScanner.Verdict.Infected i -> {
          out.add("antivirus: virus " + i.name() + " in " + i.where() + " (clamd " + i.version() + ")");
          found = true;
        }
        case VirusScanner.Verdict.Unavailable u -> out.add("antivirus: unavailable: " + u.reason() + " (on_unavailable = " + av.onUnavailable() + ")");
      }
    }
    List<AttachmentPolicy.Finding> findings;
    try {
      try (InputStream raw = MessageFiles.openMessage(file)) {
        findings = AttachmentPolicy.check(MimePart.parse(raw.readAllBytes()));
      }
    } catch (IOException e) {
      throw AdminException.of(e);
    }
    for (AttachmentPolicy.Finding f : findings) {
      out.add("attachment: " + f.symbol() + ": " + f.reason());
    }
    if (findings.isEmpty()) {
      out.add("attachment: no rule matches");
    } else if (!av.blockAttachments()) {
      out.add("attachment: not enforced (antivirus.block_attachments = false)");
    } else {
      found = true;
    }
    out.add("content action: " + (found ? av.action() + " (authenticated submissions: reject)" : "deliver"));
    return out;
  }
}
