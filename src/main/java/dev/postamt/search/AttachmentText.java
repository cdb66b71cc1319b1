package dev.postamt.search;

import dev.postamt.mime.HeaderText;
import dev.postamt.mime.MimePart;
import dev.postamt.mime.TransferDecoding;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jsoup.Jsoup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The text of one leaf part for the word fields, where it is cheap: text parts in their charset, HTML
 * reduced to its text (jsoup), PDF through PDFBox (at most {@link #PDF_MAX_BYTES} and the first {@link
 * #PDF_MAX_PAGES} pages); anything else has no text. A part that cannot be read gives no text, never an
 * error: the message is indexed without it.
 */
final class AttachmentText {
  private static final Logger log = LoggerFactory.getLogger(AttachmentText.class);
  static final int PDF_MAX_BYTES = 20 * 1024 * 1024;
  static final int PDF_MAX_PAGES = 50;

  private AttachmentText() {}

  /** The file name: Content-Disposition filename, else Content-Type name (RFC 2231, RFC 2047 decoded). */
  static String name(MimePart p) {
    String d = p.header("Content-Disposition");
    String n = null;
    if (d != null) {
      Map<String, String> params = new LinkedHashMap<>();
      HeaderText.parseDisposition(d, params);
      n = params.get("filename");
    }
    if (n == null) {
      n = p.params().get("name");
    }
    return n == null || n.isBlank() ? null : HeaderText.decode(n);
  }

  /** At most {@code max} characters of the part's text. */
  static String text(MimePart p, int max) {
    return text(p, null, max);
  }

  /**
   * As {@link #text(MimePart, int)}; {@code leafText} is the part's {@link SearchText#leafText} when the
   * caller has it already (null: decoded here), so that indexing decodes a body once.
   */
  static String text(MimePart p, String leafText, int max) {
    String t;
    if (p.type().equals("text") && p.subtype().equals("html")) {
      t = Jsoup.parse(leafText != null ? leafText : SearchText.leafText(p)).text();
    } else if (p.type().equals("text")) {
      t = leafText != null ? leafText : SearchText.leafText(p);
    } else if (p.type().equals("application") && p.subtype().equals("pdf") && p.bodySize() <= PDF_MAX_BYTES * 4 / 3 + 4096) {
      t = pdf(p);
    } else {
      t = "";
    }
    return t.length() <= max ? t : t.substring(0, max);
  }

  private static String pdf(MimePart p) {
    try (InputStream in = TransferDecoding.decoded(p)) {
      byte[] bytes = in.readNBytes(PDF_MAX_BYTES + 1);
      if (bytes.length > PDF_MAX_BYTES) {
        return "";
      }
      try (PDDocument doc = Loader.loadPDF(bytes)) {
        PDFTextStripper s = new PDFTextStripper();
        s.setEndPage(PDF_MAX_PAGES);
        return s.getText(doc);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("search: no text from a PDF attachment: {}", e.toString());
      return "";
    }
  }
}
