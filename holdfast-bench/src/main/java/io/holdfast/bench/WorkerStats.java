package io.holdfast.bench;

import org.HdrHistogram.Histogram;

/**
 * What one worker thread saw in one measured slice; written by that thread only, read after it joined.
 * Operations that complete after the window closed (a waiter granted while the others drain) are not counted
 * as throughput, but their Redis commands are, which overstates commands per operation by at most one
 * operation per worker.
 */
final class WorkerStats {
  final Histogram latency = Latency.histogram();
  final Histogram handoff = Latency.histogram();
  long deadline;
  long ops;
  long opsAfterWindow;
  long timeouts;
  long errors;
  long selfHandoffs;
  String firstError;

  /** Counts one completed operation of {@code nanos}, if it ended inside the window. */
  void completed(long endNanos, long nanos) {
    if (endNanos - deadline <= 0) {
      ops++;
      Latency.record(latency, nanos);
    } else {
      opsAfterWindow++;
    }
  }

  void failed(Throwable failure) {
    errors++;
    if (firstError == null) {
      firstError = failure.toString();
    }
  }
}
