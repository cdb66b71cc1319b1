package dev.postamt.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A small mail network of {@link MailHost}s on loopback for one test: a fresh directory, one free SMTP
 * port every host shares, one zone file with the MX and A records that connect them. Hosts made with
 * {@link #host} are stopped after the test. Register it as an instance field:
 *
 * <pre>{@code
 * @RegisterExtension final MailNetwork net = MailNetwork.withZone("a.test. MX 10 mx.a.test.\n...");
 * }</pre>
 */
public final class MailNetwork extends ServerFixture {
  private final String zoneText;
  /** The network's directory: the zone file and one directory per host. */
  public Path dir;
  public Path zone;
  /** The SMTP port of every host (each on its own loopback address). */
  public int port;

  private MailNetwork(String zoneText) {
    this.zoneText = zoneText;
  }

  /** @param zoneText the records of {@code zone.txt}, in RFC 1035 master-file form */
  public static MailNetwork withZone(String zoneText) {
    return new MailNetwork(zoneText);
  }

  @Override
  protected void startIn(Path dir) throws Exception {
    this.dir = dir;
    this.port = MailHost.freePort();
    this.zone = dir.resolve("zone.txt");
    Files.writeString(zone, zoneText);
  }

  @Override
  protected void stop() {
    // the hosts are closed with the network (closeAfter)
  }

  /** Creates (does not start) a host of this network; see {@link MailHost#create}. */
  public MailHost host(String ip, String hostname, String domain, List<String> users, MailHost.Sections s)
      throws Exception {
    return closeAfter(MailHost.create(dir, ip, port, hostname, domain, users, zone, s));
  }
}
