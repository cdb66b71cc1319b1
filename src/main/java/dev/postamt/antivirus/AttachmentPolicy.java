package dev.postamt.antivirus;

import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import dev.postamt.mime.TransferDecoding;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Forbidden attachments, independent of clamd: by file name (executables and scripts, double
 * extensions such as {@code invoice.pdf.exe}, names that hide their end behind Unicode bidirectional
 * controls such as U+202E RIGHT-TO-LEFT OVERRIDE, macro-enabled Office names), by actual content
 * (magic bytes: programs, scripts, shortcuts, HTML applications, whatever the name and declared type
 * say; {@link ContentMagic}), and inside zip, gzip and tar archives and Office compound files, nested
 * in any order ({@link ContentInspector}), under limits against archive bombs ({@link ArchiveBudget}):
 * a bomb is recognised from what the archive declares or stopped as soon as it passes a limit, never
 * unpacked in full.
 *
 * <p>Each finding is a named symbol ({@link AttachmentSymbol}) with a one-line reason, in the shape of
 * the content verdict's symbols, so that the spam scanner can weigh them; with {@code
 * antivirus.block_attachments} a finding is acted on like a virus. One finding per symbol and
 * attachment is kept (the first): the symbols say what matched, the reason shows one example.
 */
public final class AttachmentPolicy {
  /** One rule that matched: {@code ATTACH_DOUBLE_EXTENSION}, with why. */
  public record Finding(String symbol, String reason) {
    public Finding(AttachmentSymbol symbol, String reason) {
      this(symbol.name(), reason);
    }
  }

  /** Executables and scripts Windows, macOS or a shell runs on a double click. */
  static final Set<String> EXECUTABLE = Set.of(
      "exe", "com", "scr", "pif", "bat", "cmd", "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "cpl", "msi",
      "msp", "jar", "ps1", "psm1", "lnk", "reg", "dll", "scf", "inf", "app", "command", "sh", "vb", "msc", "gadget");

  /** Extensions a double-extension lure dresses up as. */
  static final Set<String> DOCUMENT = Set.of(
      "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "rtf", "jpg", "jpeg", "png", "gif", "zip", "htm",
      "html", "mp3", "mp4", "avi", "odt", "csv", "xml", "eml");

  /** OOXML formats that may carry a VBA project (ECMA-376 with Microsoft's macro-enabled content types). */
  static final Set<String> MACRO_ENABLED = Set.of(
      "docm", "dotm", "xlsm", "xltm", "xlam", "pptm", "potm", "ppsm", "ppam", "sldm");


  private AttachmentPolicy() {}

  /** The findings for a parsed message, in the order of its parts. */
  public static List<Finding> check(MimePart message) {
    List<Finding> out = new ArrayList<>();
    walk(message, out);
    return out;
  }

  private static void walk(MimePart p, List<Finding> out) {
    if (p.isMultipart()) {
      p.children().forEach(c -> walk(c, out));
    } else if (p.message() != null) {
      walk(p.message(), out);
    } else {
      leaf(p, out);
    }
  }

  private static void leaf(MimePart p, List<Finding> out) {
    List<Finding> found = new ArrayList<>();
    String name = filename(p);
    if (name != null) {
      checkName(name, "attachment", found);
    }
    String shown = name == null ? "an unnamed part" : "\"" + printable(name) + "\"";
    try (InputStream in = TransferDecoding.decoded(p)) {
      new ContentInspector(found).attachment(in, name, shown);
    } catch (IOException e) {
      // closing a byte array stream; nothing to report
    }
    Set<String> symbols = new HashSet<>();
    for (Finding f : found) {
      if (symbols.add(f.symbol())) {
        out.add(f);
      }
    }
  }

  /** The name rules, for an attachment or an archive entry ({@code where}). */
  static void checkName(String name, String where, List<Finding> out) {
    String shown = "\"" + printable(name) + "\"";
    if (name.codePoints().anyMatch(AttachmentPolicy::bidiControl)) {
      out.add(new Finding(AttachmentSymbol.ATTACH_BIDI_NAME, where + " " + shown + " hides its real extension behind a bidirectional control"));
    }
    String clean = name.codePoints().filter(c -> !bidiControl(c) && !Character.isWhitespace(c) && c != 0)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString()
        .toLowerCase(Locale.ROOT);
    int slash = Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\'));
    clean = clean.substring(slash + 1);
    String[] parts = clean.split("\\.");
    while (parts.length > 1 && parts[parts.length - 1].isEmpty()) {
      parts = java.util.Arrays.copyOf(parts, parts.length - 1); // "x.exe." runs as x.exe on Windows
    }
    if (parts.length < 2) {
      return;
    }
    String last = parts[parts.length - 1];
    if (EXECUTABLE.contains(last)) {
      out.add(new Finding(where.equals("attachment") ? AttachmentSymbol.ATTACH_EXECUTABLE_NAME : AttachmentSymbol.ARCHIVE_EXECUTABLE_NAME,
          where + " " + shown + " is an executable (." + last + ")"));
      if (parts.length >= 3 && DOCUMENT.contains(parts[parts.length - 2])) {
        out.add(new Finding(AttachmentSymbol.ATTACH_DOUBLE_EXTENSION,
            where + " " + shown + " poses as ." + parts[parts.length - 2] + " but is ." + last));
      }
    }
    if (MACRO_ENABLED.contains(last)) {
      out.add(new Finding(AttachmentSymbol.OFFICE_MACRO, where + " " + shown + " is a macro-enabled Office document (." + last + ")"));
    }
  }

  /** U+202A–U+202E (embeddings, overrides), U+2066–U+2069 (isolates), U+200E/U+200F (marks). */
  static boolean bidiControl(int c) {
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F;
  }

  /** Content-Disposition filename, else Content-Type name; RFC 2231 and RFC 2047 forms decoded. */
  static String filename(MimePart p) {
    Map<String, String> params = new LinkedHashMap<>();
    String disposition = p.header("Content-Disposition");
    if (disposition != null) {
      HeaderText.parseDisposition(disposition, params);
    }
    String name = pick(params, "filename");
    return name != null ? name : pick(p.params(), "name");
  }

  private static String pick(Map<String, String> params, String key) {
    String v = params.get(key);
    if (v != null) {
      return HeaderText.decode(v);
    }
    String ext = params.get(key + "*");
    if (ext != null) {
      int q1 = ext.indexOf('\'');
      int q2 = q1 < 0 ? -1 : ext.indexOf('\'', q1 + 1);
      String text = q2 < 0 ? ext : ext.substring(q2 + 1);
      try {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return text;
      }
    }
    return null;
  }

  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(120).forEach(c -> {
      if (bidiControl(c) || Character.isISOControl(c)) {
        b.append(String.format(Locale.ROOT, "<U+%04X>", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.toString();
  }
}
