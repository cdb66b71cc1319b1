package dev.postamt.cli;

import dev.postamt.admin.Admin;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A subcommand written as a class: it takes {@code --config FILE} and calls the admin service. */
abstract class AdminCommand extends AdminGroup implements Callable<Integer> {
  @Mixin ConfigOption config;

  Admin admin() {
    return admin(config);
  }
}
