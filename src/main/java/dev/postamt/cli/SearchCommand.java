package dev.postamt.cli;

import dev.postamt.admin.Admin;
import dev.postamt.admin.SearchAdmin.Reindexed;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code postamt search reindex ADDRESS|--all}: rebuild full-text indexes; the logic is {@code admin.SearchAdmin}. */
@Command(name = "search", description = "Full-text search indexes.")
final class SearchCommand extends AdminGroup {

  /** ADDRESS or --all. */
  static final class Who {
    @Parameters(paramLabel = "ADDRESS", description = "the user, e.g. alice@example.org") String address;
    @Option(names = "--all", required = true, description = "every user") boolean all;
  }

  @Command(name = "reindex", description = {
      "Throw a user's full-text index away and build it again from the mail store.",
      "With the server running, the server rebuilds it (searches read the mail meanwhile)."})
  Integer reindex(@ArgGroup(exclusive = true, multiplicity = "1") Who who, @Mixin ConfigOption config) {
    Admin admin = admin(config);
    List<Reindexed> done = who.all
        ? admin.search().reindexAll(admin.users())
        : List.of(admin.search().reindex(who.address));
    return print(done.stream()
        .map(r -> r.user() + (r.byServer() ? ": the running server rebuilds the index" : ": index rebuilt"))
        .toList());
  }
}
