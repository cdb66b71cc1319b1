package dev.postamt.imap;

import dev.postamt.imap.Command.Tagged;
import java.io.IOException;

/**
 * Which code runs each command: the connection-level commands answered here in a line or two, the rest
 * handed to their command group ({@link MailboxCommands}, {@link MessageCommands}, {@link LoginCommands}
 * and the others), each of which keeps what it needs across commands. Apart from {@link ImapSession},
 * which reads, checks and answers the commands, so that the session is the protocol's loop and this the
 * table of what each command does.
 */
final class CommandHandlers {
  private final ImapSession session;
  private final MailboxCommands mailboxes;
  private final MessageCommands messages;
  private final ListCommand lists;
  private final QuotaCommands quotas;
  private final SortCommands sorts;
  private final CompressCommand compression;
  private final AppendCommands appends;
  private final MetadataCommands metadata;
  private final AclCommands acl;
  private final UrlAuthCommands urlAuth;

  CommandHandlers(ImapSession s) {
    this.session = s;
    this.mailboxes = new MailboxCommands(s);
    this.messages = new MessageCommands(s);
    this.lists = new ListCommand(s, mailboxes);
    this.quotas = new QuotaCommands(s);
    this.sorts = new SortCommands(s);
    this.compression = new CompressCommand(s);
    this.appends = new AppendCommands(s);
    this.metadata = new MetadataCommands(s);
    this.acl = new AclCommands(s);
    this.urlAuth = new UrlAuthCommands(s);
  }

  /**
   * Runs {@code t}: its reply text for the tagged OK, or null where the command answered itself. The
   * state table ({@link Verb}) has been checked.
   */
  String execute(Tagged t) throws ImapException, IOException {
    return switch (t.command()) {
      case Command.Capability c -> {
        session.w.untagged("CAPABILITY " + Capabilities.of(session));
        yield "Capability completed";
      }
      case Command.Noop n -> "NOOP completed";
      case Command.Check c -> "CHECK completed";
      case Command.Logout l -> {
        session.w.untagged("BYE Logging out");
        session.state = State.LOGOUT;
        yield "Logout completed";
      }
      case Command.Id id -> {
        session.w.untagged("ID (\"name\" \"Postamt\" \"vendor\" \"postamt.dev\")");
        yield "ID completed";
      }
      case Command.Namespace n -> {
        session.w.untagged(SharedMailboxes.NAMESPACE_RESPONSE); // RFC 2342 §5: personal, other users, shared
        yield "Namespace completed";
      }
      case Command.Enable e -> EnableCommand.run(session, e);
      case Command.StartTls s -> {
        session.login.startTls(t.tag());
        yield null;
      }
      case Command.Login l -> session.login.login(l.user(), l.password());
      case Command.Authenticate a -> session.login.authenticate(a);
      case Command.Idle i -> {
        session.idle.begin(t); // the wait for DONE follows in the command loop
        yield null;
      }
      case Command.Select s -> mailboxes.select(s);
      case Command.Create c -> mailboxes.create(c);
      case Command.Delete d -> mailboxes.delete(d);
      case Command.Rename r -> mailboxes.rename(r);
      case Command.Subscribe s -> mailboxes.subscribe(s);
      case Command.ListMailboxes l -> lists.list(l);
      case Command.Status s -> mailboxes.status(s);
      case Command.Append a -> appends.append(a);
      case Command.Replace r -> appends.replace(r);
      case Command.GetMetadata g -> metadata.get(g);
      case Command.SetMetadata m -> metadata.set(m);
      case Command.Notify n -> NotifyWatch.set(session, n.spec());
      case Command.SetAcl a -> acl.setAcl(a);
      case Command.DeleteAcl a -> acl.deleteAcl(a);
      case Command.GetAcl a -> acl.getAcl(a);
      case Command.ListRights a -> acl.listRights(a);
      case Command.MyRights a -> acl.myRights(a);
      case Command.Close c -> messages.close(true);
      case Command.Unselect u -> messages.close(false);
      case Command.Expunge e -> messages.expunge(e);
      case Command.Search s -> messages.search(s, t.tag());
      case Command.Fetch f -> messages.fetch(f);
      case Command.Store s -> messages.store(s);
      case Command.Copy c -> messages.copy(c);
      case Command.GetQuota q -> quotas.getQuota(q);
      case Command.GetQuotaRoot q -> quotas.getQuotaRoot(q);
      case Command.SetQuota q -> quotas.setQuota(q);
      case Command.Sort c -> sorts.sort(c, t.tag());
      case Command.Thread c -> sorts.thread(c);
      case Command.ResetKey r -> urlAuth.resetKey(r);
      case Command.GenUrlAuth g -> urlAuth.genUrlAuth(g);
      case Command.UrlFetch f -> urlAuth.urlFetch(f);
      case Command.CancelUpdate c -> session.selected.contexts().cancel(c);
      case Command.Compress c -> {
        compression.run(t.tag(), c);
        yield null;
      }
    };
  }
}
