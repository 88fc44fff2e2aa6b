package io.holdfast.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/** This JVM's CPU time, where the platform reports it. */
final class CpuTime {
  private static final OperatingSystemMXBean OS = ManagementFactory.getOperatingSystemMXBean();

  private CpuTime() { }

  /** CPU nanoseconds used by this process so far, or 0 when unknown. */
  static long processNanos() {
    if (OS instanceof com.sun.management.OperatingSystemMXBean hotspot) {
      return Math.max(0, hotspot.getProcessCpuTime());
    }
    return 0;
  }
}
