package io.holdfast.bench;

import io.holdfast.bench.PrimitiveLocker.Target;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The read/write lock of issue 12 against Redisson's {@code RReadWriteLock}: a read-heavy mix, each of the
 * contended workload's workers (64 over 4 client instances) acquiring a random one of {@value #NAMES} names, the
 * write side with probability 1/{@value #WRITE_EVERY} and the read side otherwise, and releasing at once; once
 * with Holdfast's default writer preference and once without ({@code readWriteLock(name, false)}), which is how
 * Redisson's lock behaves in both (it has no preference: readers get in whenever no writer holds). Memory: K names
 * each held by one reader.
 */
final class RwLockWorkload extends PrimitiveWorkload {
  static final int NAMES = 4;
  static final int WRITE_EVERY = 10;

  @Override
  public String name() {
    return "rwlock";
  }

  @Override
  String title() {
    return "Read/write lock";
  }

  @Override
  String setup(Scale scale) {
    return scale.contendedWorkers() + " workers = " + scale.contendedInstances() + " client instances x "
        + scale.contendedWorkers() / scale.contendedInstances() + " threads on " + NAMES + " names, "
        + 100 / WRITE_EVERY + "% writes, released at once, lease 30 s; memory: K names each held by 1 reader, "
        + "then released (residue)";
  }

  @Override
  List<Cycle> cycles(BenchContext context) {
    String label = "W=" + context.scale().contendedWorkers() + ", " + 100 / WRITE_EVERY + "% writes";
    return List.of(cycle(context, label + ", writer pref.", true), cycle(context, label + ", no pref.", false));
  }

  private static Cycle cycle(BenchContext context, String label, boolean preferWriters) {
    String kind = preferWriters ? "rwp" : "rw";
    return new Cycle(label, (contender, worker) -> {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String name = context.lockName(contender, kind, random.nextInt(NAMES));
      return random.nextInt(WRITE_EVERY) == 0 ? Target.write(name, preferWriters) : Target.read(name, preferWriters);
    });
  }

  @Override
  boolean writes() {
    return true;
  }

  @Override
  Target heldTarget(BenchContext context, Contender contender, int index) {
    return Target.read(context.lockName(contender, "rwm", index < 0 ? "base" : String.format("%07d", index)), true);
  }
}
