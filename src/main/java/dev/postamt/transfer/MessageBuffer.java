package dev.postamt.transfer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One message on its way into the store: held in memory up to {@value #IN_MEMORY} bytes, beyond that in
 * a temp file, so that a mailbox of any size is copied with bounded memory (the store needs the size
 * before the bytes). Keeps the message's SHA-256 as it is written.
 */
final class MessageBuffer extends OutputStream {
  static final int IN_MEMORY = 1 << 20;

  private final ByteArrayOutputStream memory = new ByteArrayOutputStream();
  private final MessageDigest sha = sha256();
  private Path file;
  private OutputStream fileOut;
  private long size;

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    sha.update(b, off, len);
    size += len;
    if (fileOut == null && memory.size() + len > IN_MEMORY) {
      file = Files.createTempFile("postamt-transfer-", ".eml");
      fileOut = new java.io.BufferedOutputStream(Files.newOutputStream(file));
      memory.writeTo(fileOut);
      memory.reset();
    }
    if (fileOut != null) {
      fileOut.write(b, off, len);
    } else {
      memory.write(b, off, len);
    }
  }

  long size() {
    return size;
  }

  /** The SHA-256 of everything written; call once, after the last write. */
  byte[] digest() {
    return sha.digest();
  }

  InputStream open() throws IOException {
    if (fileOut != null) {
      fileOut.flush();
      return Files.newInputStream(file);
    }
    return new ByteArrayInputStream(memory.toByteArray());
  }

  @Override
  public void close() throws IOException {
    if (fileOut != null) {
      fileOut.close();
      Files.deleteIfExists(file);
    }
  }
}
