package io.holdfast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.HdrHistogram.Histogram;

/**
 * One contender's measurements for one workload variant, summed over its slices: workers' histograms and
 * counters, the measured time, and the Redis commands the server executed meanwhile. Not thread-safe: built
 * by the thread that runs the rounds.
 */
final class SliceResult {
  final Histogram latency = Latency.histogram();
  final Histogram handoff = Latency.histogram();
  final List<String> errorSamples = new ArrayList<>();
  long ops;
  long opsAfterWindow;
  long timeouts;
  long errors;
  long selfHandoffs;
  long windowNanos;
  long[] perWorker = new long[0];
  CommandDelta commands = CommandDelta.EMPTY;

  static SliceResult of(List<WorkerStats> workers, Duration window) {
    SliceResult result = new SliceResult();
    result.windowNanos = window.toNanos();
    result.perWorker = new long[workers.size()];
    for (int i = 0; i < workers.size(); i++) {
      WorkerStats stats = workers.get(i);
      result.latency.add(stats.latency);
      result.handoff.add(stats.handoff);
      result.ops += stats.ops;
      result.opsAfterWindow += stats.opsAfterWindow;
      result.timeouts += stats.timeouts;
      result.errors += stats.errors;
      result.selfHandoffs += stats.selfHandoffs;
      result.perWorker[i] = stats.ops;
      if (stats.firstError != null && result.errorSamples.size() < 3) {
        result.errorSamples.add(stats.firstError);
      }
    }
    return result;
  }

  void add(SliceResult other) {
    latency.add(other.latency);
    handoff.add(other.handoff);
    ops += other.ops;
    opsAfterWindow += other.opsAfterWindow;
    timeouts += other.timeouts;
    errors += other.errors;
    selfHandoffs += other.selfHandoffs;
    windowNanos += other.windowNanos;
    if (perWorker.length < other.perWorker.length) {
      perWorker = java.util.Arrays.copyOf(perWorker, other.perWorker.length);
    }
    for (int i = 0; i < other.perWorker.length; i++) {
      perWorker[i] += other.perWorker[i];
    }
    commands = commands.plus(other.commands);
    for (String sample : other.errorSamples) {
      if (errorSamples.size() < 3) {
        errorSamples.add(sample);
      }
    }
  }

  double opsPerSecond() {
    return windowNanos == 0 ? 0 : ops * 1e9 / windowNanos;
  }

  /** Redis commands per completed operation, counting the operations that finished after the window too. */
  double perOp(long count) {
    long all = ops + opsAfterWindow;
    return all == 0 ? 0 : (double) count / all;
  }

  /** CPU microseconds per completed operation, of the Redis server and of this JVM. */
  double serverCpuPerOp() {
    return perOp(commands.serverCpu().toNanos()) / 1000;
  }

  double clientCpuPerOp() {
    return perOp(commands.clientCpu().toNanos()) / 1000;
  }

  /** CPU microseconds per completed operation of the contender's service process; empty without one. */
  OptionalDouble serviceCpuPerOp() {
    return commands.serviceCpu().map(cpu -> OptionalDouble.of(perOp(cpu.toNanos()) / 1000))
        .orElse(OptionalDouble.empty());
  }

  /** Most grants of one worker over fewest: 1 is perfectly fair; infinite when a worker starved. */
  double fairness() {
    long max = 0;
    long min = Long.MAX_VALUE;
    for (long count : perWorker) {
      max = Math.max(max, count);
      min = Math.min(min, count);
    }
    if (perWorker.length == 0) {
      return 1;
    }
    return min == 0 ? Double.POSITIVE_INFINITY : (double) max / min;
  }

  long minPerWorker() {
    long min = Long.MAX_VALUE;
    for (long count : perWorker) {
      min = Math.min(min, count);
    }
    return perWorker.length == 0 ? 0 : min;
  }
}
