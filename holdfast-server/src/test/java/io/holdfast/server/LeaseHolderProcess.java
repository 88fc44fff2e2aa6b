package io.holdfast.server;

import io.holdfast.AcquireRequest;
import io.holdfast.Holdfast;
import io.holdfast.HoldfastOptions;
import io.holdfast.Lease;
import java.time.Duration;

/**
 * A client process for fault tests: connects to the lock service, takes one lock, prints
 * {@code ACQUIRED <token>}, then holds it (renewing) until killed, printing {@code LOST <reason>} if the lease
 * is lost. Arguments: backend URI, lock name, lease TTL in ms.
 */
public final class LeaseHolderProcess {
  private LeaseHolderProcess() { }

  /**
   * Runs the holder.
   *
   * @param args backend URI, lock name, lease TTL in ms
   * @throws InterruptedException never in practice: the process is killed
   */
  public static void main(String[] args) throws InterruptedException {
    Holdfast holdfast = Holdfast.connect(HoldfastOptions.builder().backend(args[0]).clientName("lease-holder")
        .build());
    Lease lease = holdfast.acquire(AcquireRequest.of(args[1], Duration.ofMillis(Long.parseLong(args[2])))
        .onLeaseLost((lost, reason) -> {
          System.out.println("LOST " + reason);
          System.out.flush();
        }));
    System.out.println("ACQUIRED " + lease.fencingToken().value());
    System.out.flush();
    while (true) {
      Thread.sleep(1_000);
    }
  }
}
