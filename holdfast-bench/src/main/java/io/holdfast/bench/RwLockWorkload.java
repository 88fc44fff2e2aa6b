package io.holdfast.bench;

import io.holdfast.bench.PrimitiveLocker.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The read/write lock of issue 12 against Redisson's {@code RReadWriteLock}: a read-heavy mix, each of the
 * contended workload's workers (64 over 4 client instances) acquiring a random one of {@value #NAMES} names, the
 * write side with probability 1/{@value #WRITE_EVERY} and the read side otherwise, and releasing at once. Holdfast
 * runs with its default writer preference and, as {@code holdfast-nopref}, without ({@code readWriteLock(name,
 * false)}), which is how Redisson's lock behaves (it has no preference: readers get in whenever no writer holds).
 * Memory: K names each held by one reader.
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
        + 100 / WRITE_EVERY + "% writes, released at once, lease 30 s; holdfast prefers writers (its default), "
        + "holdfast-nopref and redisson do not; memory: K names each held by 1 reader, then released (residue)";
  }

  @Override
  boolean writes() {
    return true;
  }

  @Override
  List<Cycle> cycles(BenchContext context) {
    String label = "W=" + context.scale().contendedWorkers() + ", " + 100 / WRITE_EVERY + "% writes";
    return List.of(new Cycle(label, (contender, worker) -> {
      boolean preferWriters = !(contender instanceof ReadersFirstContender);
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String name = context.lockName(contender, "rw", random.nextInt(NAMES));
      return random.nextInt(WRITE_EVERY) == 0 ? Target.write(name, preferWriters) : Target.read(name, preferWriters);
    }));
  }

  /** The direct library's twin without writer preference runs right after it; the service's runs the same rules. */
  @Override
  List<Contender> cycling(List<Contender> taking) {
    List<Contender> cycling = new ArrayList<>();
    for (Contender contender : taking) {
      cycling.add(contender);
      if (contender instanceof HoldfastContender holdfast) {
        cycling.add(new ReadersFirstContender(holdfast));
      }
    }
    return cycling;
  }

  @Override
  Target heldTarget(BenchContext context, Contender contender, int index) {
    return Target.read(context.lockName(contender, "rwm", index < 0 ? "base" : String.format("%07d", index)), true);
  }
}
