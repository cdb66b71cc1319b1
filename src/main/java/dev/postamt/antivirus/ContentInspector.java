package dev.postamt.antivirus;

import dev.postamt.antivirus.AttachmentPolicy.Finding;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at one attachment by its bytes, and into the archives it is or holds: zip ({@link
 * ZipDirectory}), gzip (here), tar ({@link TarReader}) and compound files ({@link Ole2Directory}),
 * nested in any order, under one {@link ArchiveBudget}. Every entry's name goes through the name
 * rules and its first bytes through {@link ContentMagic}; 7z and RAR are recognised and named, not
 * opened.
 *
 * <p>Reading stops at the first limit passed ({@link AttachmentSymbol#ARCHIVE_BOMB}); data that does
 * not parse gives {@link AttachmentSymbol#ARCHIVE_UNREADABLE} for that archive and the rest is still
 * looked at. Nothing is written anywhere; only a nested zip or compound file (which must be read from
 * its end) is held in memory, up to {@link ArchiveBudget#MAX_MATERIALIZE}.
 */
final class ContentInspector {
  private static final Logger log = LoggerFactory.getLogger(ContentInspector.class);
  private final List<Finding> out;
  private final ArchiveBudget budget = new ArchiveBudget();

  ContentInspector(List<Finding> out) {
    this.out = out;
  }

  /** Looks at an attachment's decoded content; {@code name} may be null. */
  void attachment(InputStream in, String name, String shown) {
    try {
      content(in, name, shown, 0);
    } catch (ArchiveLimit e) {
      add(AttachmentSymbol.ARCHIVE_BOMB, e.getMessage());
    } catch (IOException e) {
      add(AttachmentSymbol.ARCHIVE_UNREADABLE, shown + ": " + e.getMessage());
    } catch (RuntimeException e) {
      // a parser bug must not fail the message: reported as unreadable (never as clean) and logged
      log.warn("antivirus: cannot parse {}: {}", shown, e.toString(), e);
      add(AttachmentSymbol.ARCHIVE_UNREADABLE, shown + ": could not be parsed");
    }
  }

  /** Bytes inflated so far. */
  long inflated() {
    return budget.inflated();
  }

  ArchiveBudget budget() {
    return budget;
  }

  void add(AttachmentSymbol symbol, String reason) {
    out.add(new Finding(symbol.name(), reason));
  }

  /** The name rules for an entry of the archive {@code archive}; counts the entry. */
  void entryName(String name, String archive) throws ArchiveLimit {
    budget.entry(archive);
    AttachmentPolicy.checkName(name, archive + ": archive entry", out);
  }

  /** Path of an entry for reasons: {@code "a.zip" / "b.tar" / "c.exe"}. */
  static String inside(String archive, String entry) {
    return archive + " / \"" + AttachmentPolicy.printable(entry) + "\"";
  }

  /**
   * Judges content at nesting {@code depth} (0: the attachment): its magic, and what is inside when
   * it is a container. Reads only as much as that needs; the caller drains or closes {@code in}.
   */
  void content(InputStream in, String name, String shown, int depth) throws IOException {
    byte[] head = in.readNBytes(ContentMagic.HEAD);
    String exe = ContentMagic.executable(head);
    if (exe != null) {
      add(depth == 0 ? AttachmentSymbol.ATTACH_EXECUTABLE_CONTENT : AttachmentSymbol.ARCHIVE_EXECUTABLE_CONTENT,
          shown + " is " + exe + " (by its bytes)");
    }
    ContentMagic.Kind kind = ContentMagic.kind(head);
    if (kind == ContentMagic.Kind.OTHER) {
      return;
    }
    if (kind == ContentMagic.Kind.SEVEN_Z || kind == ContentMagic.Kind.RAR) {
      add(AttachmentSymbol.ARCHIVE_UNSUPPORTED, shown + " is a " + (kind == ContentMagic.Kind.RAR ? "RAR" : "7z")
          + " archive: its content is not checked");
      return;
    }
    if (depth >= ArchiveBudget.MAX_DEPTH) {
      throw new ArchiveLimit(shown + ": archives nested more than " + ArchiveBudget.MAX_DEPTH + " levels deep");
    }
    InputStream whole = new SequenceInputStream(new ByteArrayInputStream(head), in);
    try {
      switch (kind) {
        case ZIP, OLE2 -> {
          byte[] data = whole.readNBytes(ArchiveBudget.MAX_MATERIALIZE + 1);
          if (data.length > ArchiveBudget.MAX_MATERIALIZE) {
            return; // judged by its name only (see MAX_MATERIALIZE)
          }
          if (kind == ContentMagic.Kind.ZIP) {
            ZipDirectory.check(data, shown, this, depth);
          } else {
            compoundFile(data, shown, depth);
          }
        }
        case GZIP -> gzip(whole, name, shown, depth);
        case TAR -> TarReader.read(whole, shown, this, depth);
        default -> throw new IllegalStateException(kind.name());
      }
    } catch (ArchiveLimit e) {
      throw e;
    } catch (IOException e) {
      add(AttachmentSymbol.ARCHIVE_UNREADABLE, shown + ": " + e.getMessage());
    }
  }

  private void compoundFile(byte[] data, String shown, int depth) {
    Ole2Directory.Result r = Ole2Directory.read(data);
    if (r.damaged() != null) {
      add(AttachmentSymbol.ARCHIVE_UNREADABLE, shown + ": a compound file (OLE2) with " + r.damaged());
      return;
    }
    if (r.macros() != null) {
      add(AttachmentSymbol.OFFICE_MACRO, shown + " is an Office document with macros (the " + r.macros() + " storage)");
    }
    if (r.encrypted()) {
      add(AttachmentSymbol.ARCHIVE_ENCRYPTED, shown + " is a password-protected Office document: its content cannot be checked");
    }
    if (r.installer()) {
      add(depth == 0 ? AttachmentSymbol.ATTACH_EXECUTABLE_CONTENT : AttachmentSymbol.ARCHIVE_EXECUTABLE_CONTENT,
          shown + " is a Windows Installer package (by its bytes)");
    }
  }

  /**
   * A gzip file ({@link GzipStream}): its content inflated under watch and drained to its end, since
   * a gzip declares no size worth trusting (ISIZE is modulo 2^32 and at the end). The name inside is
   * the first member's FNAME, else the attachment's name without {@code .gz}.
   */
  private void gzip(InputStream in, String name, String shown, int depth) throws IOException {
    try (GzipStream data = GzipStream.open(in, unzippedName(name), budget, shown)) {
      entryName(data.name(), shown);
      String innerShown = inside(shown, data.name());
      content(data, data.name(), innerShown, depth + 1);
      data.transferTo(OutputStream.nullOutputStream());
    }
  }

  static String unzippedName(String name) {
    if (name == null) {
      return "(gzip content)";
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".tgz")) {
      return name.substring(0, name.length() - 4) + ".tar";
    }
    if (lower.endsWith(".gz")) {
      return name.substring(0, name.length() - 3);
    }
    return name + " (gunzipped)";
  }
}
