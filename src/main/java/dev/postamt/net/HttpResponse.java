package dev.postamt.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * One HTTP/1.1 answer read from a connection our own small HTTPS clients opened (MTA-STS policy fetches,
 * TLS reports, IM2000): the status, the content type and a body of at most {@code maxBody} bytes, plain or
 * chunked (RFC 9112 §6–7). Header lines are at most 8 KiB and at most 100; anything larger or malformed is
 * an IOException saying what.
 */
public record HttpResponse(int status, String contentType, byte[] body) {

  /** Reads the status line, the header and the body of one answer from {@code in}. */
  public static HttpResponse read(InputStream in, long maxBody) throws IOException {
    String status = line(in);
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("[0-9]{3}")) {
      throw new IOException("not an HTTP answer: " + status);
    }
    String type = "";
    long length = -1;
    boolean chunked = false;
    for (int n = 0; ; n++) {
      String h = line(in);
      if (h.isEmpty()) {
        break;
      }
      if (n > 100) {
        throw new IOException("too many header fields");
      }
      int colon = h.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).strip();
      switch (name) {
        case "content-type" -> type = value;
        case "content-length" -> length = value.matches("[0-9]{1,15}") ? Long.parseLong(value) : -1;
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        default -> {
          // not needed
        }
      }
    }
    if (length > maxBody) {
      throw tooLarge(maxBody);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      while (true) {
        String size = line(in);
        int semi = size.indexOf(';');
        String hex = (semi < 0 ? size : size.substring(0, semi)).strip();
        if (!hex.matches("[0-9A-Fa-f]{1,8}")) {
          throw new IOException("bad chunk size");
        }
        long n = Long.parseLong(hex, 16);
        if (n == 0) {
          break;
        }
        if (body.size() + n > maxBody) {
          throw tooLarge(maxBody);
        }
        body.write(in.readNBytes((int) n));
        line(in);
      }
    } else {
      byte[] b = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, length < 0 ? maxBody + 1 : length));
      if (b.length > maxBody) {
        throw tooLarge(maxBody);
      }
      if (length >= 0 && b.length < length) {
        throw new IOException("the answer was cut short");
      }
      body.write(b);
    }
    return new HttpResponse(Integer.parseInt(parts[1]), type, body.toByteArray());
  }

  private static IOException tooLarge(long maxBody) {
    return new IOException("the answer is larger than " + maxBody + " bytes");
  }

  /** One line of at most 8 KiB, without its line end. */
  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int len = b.length();
        return len > 0 && b.charAt(len - 1) == '\r' ? b.substring(0, len - 1) : b.toString();
      }
      if (b.length() > 8192) {
        throw new IOException("header line too long");
      }
      b.append((char) c);
    }
    if (b.isEmpty()) {
      throw new IOException("connection closed");
    }
    return b.toString();
  }
}
