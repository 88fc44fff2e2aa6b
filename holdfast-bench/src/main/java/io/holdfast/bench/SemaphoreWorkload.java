package io.holdfast.bench;

import io.holdfast.bench.PrimitiveLocker.Target;
import java.util.List;

/**
 * The semaphore with leased permits of issue 12 against Redisson's {@code RPermitExpirableSemaphore}: the
 * contended workload's workers (64 over 4 client instances) on one semaphore of a quarter as many permits
 * (16), each acquiring a permit with a 30 s lease and releasing it at once, so that waiters outnumber permits
 * four to one. Memory: K semaphores each with one permit held.
 */
final class SemaphoreWorkload extends PrimitiveWorkload {
  private static final int WORKERS_PER_PERMIT = 4;

  @Override
  public String name() {
    return "semaphore";
  }

  @Override
  String title() {
    return "Semaphore with leased permits";
  }

  @Override
  String setup(Scale scale) {
    return scale.contendedWorkers() + " workers = " + scale.contendedInstances() + " client instances x "
        + scale.contendedWorkers() / scale.contendedInstances() + " threads on 1 semaphore of " + permits(scale)
        + " permits, released at once, lease 30 s; memory: K semaphores of " + permits(scale)
        + " permits, each with 1 held, then released (residue)";
  }

  @Override
  List<Cycle> cycles(BenchContext context) {
    Scale scale = context.scale();
    return List.of(new Cycle("W=" + scale.contendedWorkers() + ", N=" + permits(scale),
        (contender, worker) -> Target.permit(context.lockName(contender, "sem", 0), permits(scale))));
  }

  @Override
  boolean writes() {
    return false;
  }

  @Override
  Target heldTarget(BenchContext context, Contender contender, int index) {
    return Target.permit(context.lockName(contender, "semm", index < 0 ? "base" : String.format("%07d", index)),
        permits(context.scale()));
  }

  private static int permits(Scale scale) {
    return Math.max(1, scale.contendedWorkers() / WORKERS_PER_PERMIT);
  }
}
