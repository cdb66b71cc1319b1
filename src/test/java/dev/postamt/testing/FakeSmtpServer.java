package dev.postamt.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A scriptable SMTP or LMTP peer for client tests: its capabilities and replies are fields the test
 * sets; it records every command line and every message it received (dot-unstuffed). No TLS.
 */
public final class FakeSmtpServer implements AutoCloseable {
  public volatile String greeting = "220 fake.test ESMTP";
  public volatile boolean ehlo = true;
  public volatile List<String> capabilities = List.of("PIPELINING", "8BITMIME", "SIZE 10000000", "DSN");
  public volatile Function<String, String> rcptReply = a -> "250 2.1.5 Ok";
  public volatile String mailReply = "250 2.1.0 Ok";
  /** For SMTP: the reply to the final dot. For LMTP: given each accepted recipient. */
  public volatile Function<String, String> dataEndReply = a -> "250 2.0.0 Ok: queued";

  /** Copy-on-write: a test may iterate while the server still appends (RSET, QUIT after the data). */
  /** Copy-on-write: a test may iterate while the server still appends (RSET, QUIT after the data). */
  public final List<String> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
  public final List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
  public volatile int connections;

  private final boolean lmtp;
  private final ServerSocket server;
  private volatile boolean closed;

  public FakeSmtpServer(InetSocketAddress bind, boolean lmtp) throws IOException {
    this.lmtp = lmtp;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(bind);
    Thread.ofVirtual().start(this::accept);
  }

  public int port() {
    return server.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket s = server.accept();
        connections++;
        Thread.ofVirtual().start(() -> serve(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(20_000);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      reply(out, greeting);
      List<String> rcpts = new ArrayList<>();
      String line;
      while ((line = readLine(in)) != null) {
        commands.add(line);
        String verb = line.split(" ")[0].toUpperCase();
        switch (verb) {
          case "EHLO", "LHLO" -> {
            if (!ehlo) {
              reply(out, "502 5.5.2 Error: command not recognized");
            } else {
              List<String> l = new ArrayList<>();
              l.add("fake.test");
              l.addAll(capabilities);
              for (int i = 0; i < l.size(); i++) {
                reply(out, "250" + (i == l.size() - 1 ? " " : "-") + l.get(i));
              }
            }
          }
          case "HELO" -> reply(out, "250 fake.test");
          case "MAIL" -> {
            rcpts.clear();
            reply(out, mailReply);
          }
          case "RCPT" -> {
            String a = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
            String r = rcptReply.apply(a);
            if (r.startsWith("2")) {
              rcpts.add(a);
            }
            reply(out, r);
          }
          case "DATA" -> {
            if (rcpts.isEmpty()) {
              reply(out, "554 5.5.1 Error: no valid recipients");
              continue;
            }
            reply(out, "354 End data with <CR><LF>.<CR><LF>");
            messages.add(readData(in));
            if (lmtp) {
              for (String a : rcpts) {
                reply(out, dataEndReply.apply(a));
              }
            } else {
              reply(out, dataEndReply.apply(""));
            }
          }
          case "RSET", "NOOP" -> reply(out, "250 2.0.0 Ok");
          case "QUIT" -> {
            reply(out, "221 2.0.0 Bye");
            return;
          }
          default -> reply(out, "502 5.5.2 Error: command not recognized");
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static void reply(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return null;
  }

  private static String readData(InputStream in) throws IOException {
    StringBuilder msg = new StringBuilder();
    String l;
    while ((l = readLine(in)) != null && !l.equals(".")) {
      msg.append(l.startsWith(".") ? l.substring(1) : l).append("\r\n");
    }
    return msg.toString();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
  }
}
