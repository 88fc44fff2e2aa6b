package io.holdfast.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/*
 * The JVM and process meters on /metrics (memory, GC, threads, classes, CPU, open files, uptime), from
 * Micrometer's standard binders, so an operator sees a server's own health beside its lock meters. The GC binder
 * listens to JMX notifications and must be closed with the server; the others only read MXBeans when scraped.
 */
final class JvmMeters {
  private JvmMeters() { }

  /** Binds the meters; close the result when the server stops. */
  static AutoCloseable bind(MeterRegistry registry) {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return gc;
  }

  static void closeQuietly(AutoCloseable meters) {
    try {
      meters.close();
    } catch (Exception e) {
      // Only JMX listeners are removed; nothing to report on the way out.
    }
  }
}
