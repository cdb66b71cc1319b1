package dev.postamt.imap;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.search.SubjectTerm;
import java.nio.file.Path;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Angus Mail (the Jakarta Mail implementation Java clients use) against the server. */
class ImapAngusMailTest {
  @TempDir Path dir;

  static Store connect(int port, boolean ssl) throws Exception {
    Properties p = new Properties();
    String proto = ssl ? "imaps" : "imap";
    p.put("mail." + proto + ".host", "127.0.0.1");
    p.put("mail." + proto + ".port", String.valueOf(port));
    p.put("mail." + proto + ".connectiontimeout", "10000");
    p.put("mail." + proto + ".timeout", "20000");
    if (ssl) {
      p.put("mail.imaps.ssl.trust", "*");
      p.put("mail.imaps.ssl.checkserveridentity", "false");
    }
    Session s = Session.getInstance(p);
    s.setDebug(Boolean.getBoolean("angus.debug"));
    Store store = s.getStore(proto);
    store.connect("alice", ImapTestServer.PASSWORD);
    return store;
  }

  @Test
  void appendReadFlagSearchMoveOverImaps() throws Exception {
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      Store store = connect(server.tlsPort(), true);
      try {
        Session session = Session.getInstance(new Properties());
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress("bob@example.test", "Bob Example"));
        m.setRecipients(Message.RecipientType.TO, "alice@example.test");
        m.setSubject("Grüße aus Java", "UTF-8");
        MimeMultipart mp = new MimeMultipart();
        MimeBodyPart text = new MimeBodyPart();
        text.setText("Hallo Alice, anbei die Datei.", "UTF-8");
        MimeBodyPart att = new MimeBodyPart();
        att.setContent(new byte[] {1, 2, 3, 4}, "application/octet-stream");
        att.setFileName("data.bin");
        mp.addBodyPart(text);
        mp.addBodyPart(att);
        m.setContent(mp);
        m.saveChanges();

        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        var appended = inbox.appendUIDMessages(new Message[] {m});
        assertThat(appended[0].uid).isEqualTo(1);
        assertThat(appended[0].uidvalidity).isEqualTo(inbox.getUIDValidity());
        assertThat(inbox.getMessageCount()).isEqualTo(1);

        Message got = inbox.getMessage(1);
        assertThat(got.getSubject()).isEqualTo("Grüße aus Java");
        assertThat(((InternetAddress) got.getFrom()[0]).getPersonal()).isEqualTo("Bob Example");
        MimeMultipart content = (MimeMultipart) got.getContent();
        assertThat(content.getCount()).isEqualTo(2);
        assertThat(content.getBodyPart(0).getContent()).isEqualTo("Hallo Alice, anbei die Datei.");
        assertThat(content.getBodyPart(1).getFileName()).isEqualTo("data.bin");
        assertThat(content.getBodyPart(1).getInputStream().readAllBytes()).containsExactly(1, 2, 3, 4);
        assertThat(got.isSet(Flags.Flag.SEEN)).isTrue();

        got.setFlag(Flags.Flag.FLAGGED, true);
        got.setFlags(new Flags("project-x"), true);
        assertThat(inbox.search(new SubjectTerm("grüße"))).hasSize(1);
        assertThat(inbox.getUID(got)).isEqualTo(1);

        Folder archive = store.getFolder("Archive");
        inbox.moveMessages(new Message[] {got}, archive);
        assertThat(got.isExpunged()).isTrue();
        assertThat(store.getFolder("INBOX").getMessageCount()).isZero(); // a closed folder: STATUS
        archive.open(Folder.READ_ONLY);
        Message moved = archive.getMessage(1);
        assertThat(moved.isSet(Flags.Flag.FLAGGED)).isTrue();
        assertThat(moved.getFlags().contains("project-x")).isTrue();
        assertThat(((UIDFolder) archive).getUIDNext()).isEqualTo(2);
        archive.close(false);

        Folder created = store.getFolder("Reisen").getFolder("2024");
        assertThat(created.create(Folder.HOLDS_MESSAGES)).isTrue();
        assertThat(store.getFolder("Reisen").list()).extracting(Folder::getFullName).containsExactly("Reisen/2024");
        assertThat(store.getDefaultFolder().list("*")).extracting(Folder::getName)
            .contains("INBOX", "Sent", "Drafts", "Trash", "Junk", "Archive", "2024");
        inbox.close(true);
      } finally {
        store.close();
      }
    }
  }

  @Test
  void idleWakesAngusOnDelivery() throws Exception {
    try (ImapTestServer server = ImapTestServer.start(dir)) {
      Store store = connect(server.port(), false);
      try {
        IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        var arrived = new java.util.concurrent.CountDownLatch(1);
        inbox.addMessageCountListener(new jakarta.mail.event.MessageCountAdapter() {
          @Override
          public void messagesAdded(jakarta.mail.event.MessageCountEvent e) {
            arrived.countDown();
          }
        });
        Thread idler = Thread.ofVirtual().start(() -> {
          try {
            inbox.idle(true);
          } catch (Exception e) {
            // the test fails on the latch
          }
        });
        // Deliver until the IDLE is surely in place; each delivery must wake it.
        for (int i = 0; i < 50 && arrived.getCount() > 0; i++) {
          server.deliver("alice@example.test", "Subject: new\r\n\r\nnew mail\r\n");
          arrived.await(200, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        assertThat(arrived.getCount()).isZero();
        idler.join(10_000);
        assertThat(inbox.getMessageCount()).isPositive();
        inbox.close(false);
      } finally {
        store.close();
      }
    }
  }
}
