/**
 * Prometheus metrics: {@link dev.postamt.metrics.Metrics} owns the one meter registry of the process
 * (JVM memory, threads, GC and processor metrics bound at the first scrape, to keep JMX out of start-up) and names every {@code postamt_*} meter the
 * other packages count with. The HTTP listener answers {@code GET /metrics} with {@link
 * dev.postamt.metrics.Metrics#scrape()} for the networks of {@code [metrics] networks}.
 *
 * <p>Failure behaviour: counting never throws into the mail flow; a meter is in memory only and starts
 * at zero with the process. Nothing on disk.
 */
package dev.postamt.metrics;
