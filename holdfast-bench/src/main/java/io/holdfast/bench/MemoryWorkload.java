package io.holdfast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Workload 4: Redis memory per held lock, as the {@code used_memory} delta of INFO memory with N locks held at
 * once divided by N (MEMORY USAGE would miss the expiry entry and the dictionary slots), and the residue: the
 * {@code used_memory} and key-count delta after M distinct names were each acquired and released once, which
 * is what a lock leaves behind forever (a per-name counter) or for a while (a latch key with a TTL). Client
 * connection buffers and the script cache are not counted (see {@link RedisProbe#usedMemory()}).
 * Leases are fixed (no renewal) and long enough to outlive the measurement.
 */
final class MemoryWorkload implements Workload {
  private static final Duration TTL = Duration.ofMinutes(10);

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public TableSpec table(Scale scale) {
    return new TableSpec(name(), "Redis memory per lock",
        "1 client instance; held: N locks held at once (used_memory delta / N); residue: M distinct names "
            + "each acquired and released once (used_memory and DBSIZE delta afterwards)",
        List.of(new Metric("bytes_lock", "bytes/held lock", 1), new Metric("keys_lock", "keys/held lock", 2),
            new Metric("residue_bytes", "residue bytes", 0), new Metric("residue_keys", "residue keys", 0),
            new Metric("residue_forever", "of them without TTL", 0),
            new Metric("cycles_s", "bulk cycles/s", 0)),
        List.of("bytes_lock", "residue_bytes"), List.of("bytes_lock", "residue_bytes"));
  }

  @Override
  public List<Row> run(BenchContext context, List<Contender> contenders) throws Exception {
    Scale scale = context.scale();
    List<Row> rows = new ArrayList<>();
    if (!context.privateServer()) {
      context.note("memory: measured on a server the harness did not start, so it was not emptied between "
          + "contenders; keys of earlier contenders expiring meanwhile (Redisson's unlock latches) skew deltas");
    }
    for (Contender contender : contenders) {
      rows.add(held(context, contender, scale.memoryHeld()));
    }
    for (Contender contender : contenders) {
      rows.add(residue(context, contender, scale.residueNames()));
    }
    return rows;
  }

  private Row held(BenchContext context, Contender contender, int count) throws Exception {
    List<String> names = names(context, contender, "mh", count);
    RedisProbe probe = context.probe();
    try (Locker locker = contender.connect(context.spec(contender.name() + "-memory", TTL, false))) {
      clean(context);
      long memory = probe.usedMemory();
      long keys = probe.dbSize();
      List<Held> held = Bulk.acquire(locker, names, false);
      probe.settle(context.scale().memoryQuiet());
      double bytesPerLock = (probe.usedMemory() - memory) / (double) count;
      double keysPerLock = (probe.dbSize() - keys) / (double) count;
      Bulk.release(held);
      context.progress(name() + " held " + count + " " + contender.name() + ": " + Math.round(bytesPerLock)
          + " B/lock, " + keysPerLock + " keys/lock");
      return new RowBuilder(name(), "held " + count, contender.name())
          .put("bytes_lock", bytesPerLock).put("keys_lock", keysPerLock)
          .build();
    }
  }

  private Row residue(BenchContext context, Contender contender, int count) throws Exception {
    List<String> names = names(context, contender, "mr", count);
    RedisProbe probe = context.probe();
    try (Locker locker = contender.connect(context.spec(contender.name() + "-residue", TTL, false))) {
      clean(context);
      long memory = probe.usedMemory();
      long keys = probe.dbSize();
      long persistent = probe.persistentKeys();
      long start = System.nanoTime();
      Bulk.cycle(locker, names);
      double cyclesPerSecond = count * 1e9 / (System.nanoTime() - start);
      probe.settle(context.scale().memoryQuiet());
      long residue = probe.usedMemory() - memory;
      long residueKeys = probe.dbSize() - keys;
      long forever = probe.persistentKeys() - persistent;
      context.progress(name() + " residue " + count + " " + contender.name() + ": " + residue + " B, "
          + residueKeys + " keys (" + forever + " without TTL)");
      return new RowBuilder(name(), "residue " + count, contender.name())
          .put("residue_bytes", residue).put("residue_keys", residueKeys).put("residue_forever", forever)
          .put("cycles_s", cyclesPerSecond)
          .build();
    }
  }

  /**
   * Starts each measurement from an empty server when the server is the harness's own: keys that an earlier
   * contender left with a TTL would otherwise expire during this one and make its delta negative.
   */
  private static void clean(BenchContext context) throws InterruptedException {
    if (context.privateServer()) {
      context.probe().flushAll();
    }
    context.probe().settle(context.scale().memoryQuiet());
  }

  private static List<String> names(BenchContext context, Contender contender, String kind, int count) {
    List<String> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add(context.lockName(contender, kind, String.format("%07d", i)));
    }
    return names;
  }
}
