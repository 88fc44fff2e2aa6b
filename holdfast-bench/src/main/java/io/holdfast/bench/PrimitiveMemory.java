package io.holdfast.bench;

import io.holdfast.bench.PrimitiveLocker.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The memory variant of the primitive workloads: one client instance holds K grants at once, each on a name of
 * its own (fixed leases, no renewal, long enough to outlive the measurement), then releases them all. Reports the
 * {@code used_memory} and key-count delta per held grant (measured as {@link MemoryWorkload} measures a lock:
 * client buffers and the script cache left out), and the residue once everything was released: bytes, keys, and
 * keys without a TTL, which stay forever.
 *
 * <p>The baseline is read after one grant and release of another name, so what a contender creates once for all
 * names (Holdfast's fence counter, one key per key prefix) is not billed to the K names; what it leaves per name
 * is. On the harness's own server every contender starts from an empty one.
 */
final class PrimitiveMemory {
  /** The memory variant's columns, after the cycle variant's. */
  static final List<Metric> COLUMNS = List.of(new Metric("bytes_grant", "bytes/held grant", 1),
      new Metric("keys_grant", "keys/held grant", 2), new Metric("residue_bytes", "residue bytes", 0),
      new Metric("residue_keys", "residue keys", 0), new Metric("residue_forever", "of them without TTL", 0));

  private static final Duration TTL = Duration.ofMinutes(10);

  private final String workload;
  private final int count;

  PrimitiveMemory(String workload, int count) {
    this.workload = workload;
    this.count = count;
  }

  /** The variant's label. */
  String variant() {
    return "memory K=" + count;
  }

  /**
   * Measures one contender.
   *
   * @param target the {@code i}th target to hold, for i in [-1, K): -1 is the baseline's own name
   */
  Row run(BenchContext context, PrimitiveContender contender, IntFunction<Target> target) throws Exception {
    RedisProbe probe = context.probe();
    if (context.privateServer()) {
      probe.flushAll(); // before connecting: a service client's session must survive; settled below
    }
    try (PrimitiveLocker locker = contender.connect(context.spec(contender.name() + "-" + workload + "-memory",
        TTL, false))) {
      locker.acquireAsync(target.apply(-1)).thenCompose(Held::releaseAsync).join();
      probe.settle(context.scale().memoryQuiet());
      long memory = probe.usedMemory();
      long keys = probe.dbSize();
      long persistent = probe.persistentKeys();
      List<Target> targets = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        targets.add(target.apply(i));
      }
      List<Held> held = Bulk.acquire(targets, locker::acquireAsync);
      probe.settle(context.scale().memoryQuiet());
      double bytes = (probe.usedMemory() - memory) / (double) count;
      double keysPerGrant = (probe.dbSize() - keys) / (double) count;
      Bulk.release(held);
      probe.settle(context.scale().memoryQuiet());
      long residue = probe.usedMemory() - memory;
      long residueKeys = probe.dbSize() - keys;
      long forever = probe.persistentKeys() - persistent;
      context.progress(workload + " " + variant() + " " + contender.name() + ": " + Math.round(bytes)
          + " B/grant, " + keysPerGrant + " keys/grant; residue " + residue + " B, " + residueKeys + " keys ("
          + forever + " without TTL)");
      return new RowBuilder(workload, variant(), contender.name())
          .put("bytes_grant", bytes).put("keys_grant", keysPerGrant)
          .put("residue_bytes", residue).put("residue_keys", residueKeys).put("residue_forever", forever)
          .build();
    }
  }
}
