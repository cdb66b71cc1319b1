package dev.postamt.cli;

import dev.postamt.directory.Directory;
import dev.postamt.directory.DirectoryException;
import dev.postamt.directory.Masks;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postamt alias mask ADDRESS --label L} and its {@code list|disable|enable|remove}: masked
 * (disposable) addresses, one per correspondent, each delivering to its owner until switched off
 * (see {@link Masks}).
 */
@Command(
    name = "mask",
    description = "Masked addresses: 'alias mask ADDRESS --label L' makes one for the user ADDRESS and prints it.")
final class MaskCommand extends AdminGroup implements Callable<Integer> {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  @Parameters(index = "0", arity = "0..1", paramLabel = "ADDRESS", description = "the user the new mask delivers to")
  String owner;

  @Option(names = "--label", paramLabel = "LABEL", description = "who the address is for, e.g. shop (starts the address)")
  String label;

  @Mixin ConfigOption config;

  @Override
  public Integer call() {
    if (owner == null || label == null) {
      throw new CliException("give the user and a label: postamt alias mask ADDRESS --label LABEL", 2);
    }
    return withMasks(config, m -> print(m.create(owner, label).address()));
  }

  @Command(name = "list", description = "The user's masked addresses, one a line: MASK on|off LABEL CREATED")
  Integer list(
      @Parameters(paramLabel = "ADDRESS", description = "the user") String user, @Mixin ConfigOption config) {
    return withMasks(config, m -> print(m.list(user).stream().map(MaskCommand::line).toList()));
  }

  @Command(name = "disable", description = "Switch a masked address off: mail to it is refused with 550 5.1.1.")
  Integer disable(@Parameters(paramLabel = "MASK") String mask, @Mixin ConfigOption config) {
    return withMasks(config, m -> print(line(m.setEnabled(mask, false))));
  }

  @Command(name = "enable", description = "Switch a masked address on again.")
  Integer enable(@Parameters(paramLabel = "MASK") String mask, @Mixin ConfigOption config) {
    return withMasks(config, m -> print(line(m.setEnabled(mask, true))));
  }

  @Command(name = "remove", description = "Remove a masked address for good.")
  Integer remove(@Parameters(paramLabel = "MASK") String mask, @Mixin ConfigOption config) {
    return withMasks(config, m -> {
      m.remove(mask);
      return print("removed masked address " + mask);
    });
  }

  static String line(Masks.Mask m) {
    return m.address() + " " + (m.enabled() ? "on" : "off") + " " + m.label() + " " + DAY.format(m.created());
  }

  @FunctionalInterface
  private interface MaskWork {
    Integer run(Masks masks) throws DirectoryException;
  }

  private static Integer withMasks(ConfigOption config, MaskWork work) {
    try (Directory dir = Directory.open(config.load())) {
      return work.run(dir.masks());
    } catch (DirectoryException e) {
      throw new CliException(e.getMessage());
    }
  }
}
