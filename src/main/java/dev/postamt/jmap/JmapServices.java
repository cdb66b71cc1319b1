package dev.postamt.jmap;

import dev.postamt.directory.Directory;
import dev.postamt.routing.Router;
import dev.postamt.sieve.store.SieveScripts;
import dev.postamt.sieve.store.Vacations;
import dev.postamt.smtp.SmtpServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * What JMAP needs beyond the mail store, given by the server: the router (who may send as which
 * address, {@link Router#mayUseSender}), the submission listener whose path {@code EmailSubmission}
 * takes ({@link dev.postamt.smtp.LocalSubmission}), the Sieve script and vacation stores, and JMAP's
 * own records ({@link JmapRecords}: {@code data_dir/jmap.db}, or PostgreSQL), which this object opens and closes.
 */
public final class JmapServices implements AutoCloseable {
  final Router router;
  final Directory directory;
  final Supplier<SmtpServer> submission;
  final SieveScripts scripts;
  final Vacations vacations;
  final JmapRecords records;
  /** Uploaded and stored blobs, for Email/set create, Email/import and Email/parse. */
  final Blobs blobs;
  /** The Sieve extensions the script compiler knows, for the session resource (RFC 9661 §2). */
  final java.util.List<String> sieveExtensions;
  /** The mail store, for work that outlives a request ({@link JunkTraining}). */
  final dev.postamt.store.MailStore store;
  /** What moves into and out of Junk teach; null: nothing. */
  volatile JunkTraining junkTraining;

  private JmapServices(dev.postamt.store.MailStore store, Directory directory, Router router, Supplier<SmtpServer> submission, SieveScripts scripts, Vacations vacations,
      JmapRecords records, Blobs blobs) {
    this.store = store;
    this.blobs = blobs;
    this.router = router;
    this.directory = directory;
    this.submission = submission;
    this.scripts = scripts;
    this.vacations = vacations;
    this.records = records;
    this.sieveExtensions = SieveScriptMethods.extensions();
  }

  /**
   * @param submission the current submission listener (a reload makes a new one)
   * @param config where the records are ({@link JmapRecords#open}) and the data directory with the uploads
   *     ({@code jmap/uploads}, as the HTTP side keeps them)
   */
  public static JmapServices open(dev.postamt.config.Config config, dev.postamt.store.MailStore store, Directory directory,
      Router router, Supplier<SmtpServer> submission, SieveScripts scripts, Vacations vacations) throws IOException {
    Path dataDir = config.dataDir();
    return new JmapServices(store, directory, router, submission, scripts, vacations, JmapRecords.open(config),
        new Blobs(store, dataDir.resolve("jmap").resolve("uploads")));
  }

  /**
   * Moves into and out of the Junk Mailbox learn spam and ham through {@code training} ({@link
   * JunkTraining}); null turns learning off. A reload may set a new one.
   */
  public void learnFromJunk(JunkTraining training) {
    this.junkTraining = training;
  }

  @Override
  public void close() {
    records.close();
  }
}
