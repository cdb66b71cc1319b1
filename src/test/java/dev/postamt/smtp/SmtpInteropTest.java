package dev.postamt.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.postamt.testing.TestServer;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Real clients: Python's smtplib (a separate process) and Angus (Jakarta) Mail. */
class SmtpInteropTest {
  @TempDir static Path dir;
  @RegisterExtension static final TestServer t = TestServer.create();

  @Test
  void pythonSmtplibOnAllThreePorts() throws Exception {
    String script =
        """
        import smtplib, ssl, sys
        port25, port587, port465 = map(int, sys.argv[1:4])
        ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
        msg = "From: alice@example.test\\r\\nTo: bob@example.test\\r\\nSubject: %s\\r\\n\\r\\nhello from smtplib\\r\\n"
        with smtplib.SMTP("127.0.0.1", port25) as s:
            s.ehlo("py.example")
            assert s.has_extn("starttls") and not s.has_extn("auth")
            s.sendmail("someone@outside.example", ["bob@example.test"], msg % "port 25")
        with smtplib.SMTP("127.0.0.1", port587) as s:
            s.starttls(context=ctx)
            s.login("alice@example.test", "secret")
            s.sendmail("alice@example.test", ["bob@example.test"], msg % "submission")
            try:
                s.sendmail("bob@example.test", ["bob@example.test"], msg % "forged")
                print("forgery accepted"); sys.exit(1)
            except smtplib.SMTPSenderRefused as e:
                assert e.smtp_code == 553
        with smtplib.SMTP_SSL("127.0.0.1", port465, context=ctx) as s:
            s.login("alice@example.test", "secret")
            s.sendmail("alice@example.test", ["bob@example.test"], msg % "smtps")
        try:
            with smtplib.SMTP("127.0.0.1", port25) as s:
                s.sendmail("x@outside.example", ["nobody@example.test"], msg % "unknown")
            print("unknown user accepted"); sys.exit(1)
        except smtplib.SMTPRecipientsRefused as e:
            assert e.recipients["nobody@example.test"][0] == 550
        print("ok")
        """;
    Path py = dir.resolve("client.py");
    Files.writeString(py, script);
    Process p =
        new ProcessBuilder(
                "python3",
                py.toString(),
                String.valueOf(t.port("smtp")),
                String.valueOf(t.port("submission")),
                String.valueOf(t.port("smtps")))
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).as(out).contains("ok");
    assertThat(p.exitValue()).isZero();
    List<Path> msgs = t.awaitMessages("bob@example.test", 3);
    String all = String.join("\n", msgs.stream().map(SmtpInteropTest::read).toList());
    assertThat(all).contains("Subject: port 25").contains("Subject: submission").contains("Subject: smtps");
    assertThat(all).contains("with ESMTP id").contains("with ESMTPSA id").doesNotContain("Subject: forged");
  }

  @Test
  void angusMailWithStarttlsAndAuth() throws Exception {
    Properties props = new Properties();
    props.put("mail.smtp.host", "127.0.0.1");
    props.put("mail.smtp.port", String.valueOf(t.port("submission")));
    props.put("mail.smtp.starttls.enable", "true");
    props.put("mail.smtp.starttls.required", "true");
    props.put("mail.smtp.ssl.trust", "*");
    props.put("mail.smtp.ssl.checkserveridentity", "false");
    props.put("mail.smtp.auth", "true");
    Session session = Session.getInstance(props);
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress("bob@example.test"));
    m.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.test"));
    m.setSubject("from Angus Mail");
    m.setText("hello\n.\nnot the end\n");
    Transport.send(m, "bob@example.test", "secret");
    List<Path> msgs = t.awaitMessages("alice@example.test", 1);
    String text = read(msgs.getFirst());
    assertThat(text).contains("Subject: from Angus Mail").contains("\r\n.\r\nnot the end").contains("with ESMTPSA");
  }

  static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
