package dev.postamt.server;

import dev.postamt.config.Config;
import java.util.ArrayList;
import java.util.List;

/** Which config sections a reload ({@link Server#reload}) applies to a running server, and the config it makes of them. */
final class ReloadableSections {
  private ReloadableSections() {}

  /**
   * The sections a reload applies: to the sessions that start after it (limits, relay networks, mail
   * authentication), to messages routed after it (transport, relayhost), to every quota check (store
   * defaults) and to the log. Open sessions keep what they started with.
   */
  static final java.util.Set<String> RELOADABLE =
      java.util.Set.of("limits", "relay", "mailauth", "transport", "store", "log", "policy", "greylist", "dnsbl", "antivirus", "ban", "quarantine", "spam", "tlsRpt");

  /**
   * The running config with {@link #RELOADABLE} sections taken from {@code fresh}; every other changed
   * section is named in {@code report} as waiting for a restart (listener addresses, hostname, data
   * directory, DNS, queue and delivery settings are held by parts that live as long as the process).
   */
  static Config takeReloadable(Config running, Config fresh, List<String> report) {
    var components = Config.class.getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    List<String> applied = new ArrayList<>();
    try {
      for (int i = 0; i < components.length; i++) {
        var c = components[i];
        types[i] = c.getType();
        Object old = c.getAccessor().invoke(running);
        Object now = c.getAccessor().invoke(fresh);
        boolean changed = !java.util.Objects.equals(old, now);
        boolean take = RELOADABLE.contains(c.getName()) || c.getName().equals("tls") || c.getName().equals("source");
        values[i] = take ? now : old;
        if (changed && RELOADABLE.contains(c.getName())) {
          applied.add(c.getName());
        } else if (changed && !take) {
          report.add(c.getName() + " changed: takes effect at the next restart");
        }
      }
      if (!applied.isEmpty()) {
        report.add(String.join(", ", applied) + " changed: applied (sessions already open keep the settings they started with)");
      }
      return Config.class.getDeclaredConstructor(types).newInstance(values);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
