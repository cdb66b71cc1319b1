package dev.postamt.migrate;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The bytes of one IMAP literal: in memory up to 1 MiB, beyond that in a temp file deleted on close. */
final class Literal implements AutoCloseable {
  private static final int IN_MEMORY = 1 << 20;

  private byte[] bytes;
  private Path file;
  private long size;

  void read(InputStream in, long n) throws IOException {
    size = n;
    if (n <= IN_MEMORY) {
      bytes = in.readNBytes((int) n);
      if (bytes.length < n) {
        throw new IOException("the server closed the connection inside a literal");
      }
      return;
    }
    file = Files.createTempFile("postamt-migrate-", ".eml");
    try (OutputStream out = Files.newOutputStream(file)) {
      byte[] buf = new byte[65536];
      long left = n;
      while (left > 0) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (r < 0) {
          throw new IOException("the server closed the connection inside a literal");
        }
        out.write(buf, 0, r);
        left -= r;
      }
    }
  }

  long size() {
    return size;
  }

  InputStream open() throws IOException {
    return file != null ? Files.newInputStream(file) : new ByteArrayInputStream(bytes);
  }

  /** A small literal (a mailbox name) as text. */
  String text() throws IOException {
    try (InputStream in = open()) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() throws IOException {
    if (file != null) {
      Files.deleteIfExists(file);
    }
  }
}
