package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Entry point of a client JVM that the checker starts (java -cp <same class path> io.holdfast.verify.ClientMain
 * key=value...). A separate process so that the checker can SIGSTOP and SIGKILL it like a real application node.
 * It connects to the hub, starts the workers, then obeys commands on its control connection:
 *   CLOCK <millis>  set the injected wall clock's offset
 *   STOP            finish the current cycles, close the lock client (releasing what it holds), exit 0
 * If the control connection ends, the checker is gone and the client halts at once.
 */
final class ClientMain {
  private static final Logger log = LoggerFactory.getLogger(ClientMain.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final Duration CONNECT_PATIENCE = Duration.ofSeconds(60);

  private volatile boolean stopping;

  private ClientMain() { }

  /**
   * Runs one client until the checker says STOP (exit 0) or goes away (halt 3).
   *
   * @param args key=value options: hub, client, backend (a backend URI), seed, clockOffset and the workload's
   */
  public static void main(String[] args) {
    Map<String, String> options = parse(args);
    try {
      new ClientMain().run(options);
      System.exit(0);
    } catch (HubLink.CheckerGone e) {
      Runtime.getRuntime().halt(3);
    } catch (RuntimeException | InterruptedException e) {
      log.error("client failed", e);
      Runtime.getRuntime().halt(4);
    }
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
      }
      options.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return options;
  }

  private void run(Map<String, String> options) throws InterruptedException {
    int port = Integer.parseInt(options.get("hub"));
    String client = options.get("client");
    long seed = Long.parseLong(options.get("seed"));
    Workload workload = Workload.fromArgs(options);
    SkewedClock clock = new SkewedClock(Duration.ofMillis(Long.parseLong(options.get("clockOffset"))));
    HubLink[] control = new HubLink[1];
    LockDriver.LostSink lost = (lock, owner, token, reason) ->
        control[0].event(System.nanoTime(), Type.INFO, Op.LOST, lock, owner, token, -1, reason);
    FairTap.Sink queued = (lock, owner, ticket, sent, answered, keep) -> queued(control[0], lock, owner, ticket,
        sent, answered, keep);
    // The lock client connects first, so that "connected" (the control link) means ready to work.
    try (LockDriver driver = openPatiently(workload, options.get("backend"), client, clock, lost, queued)) {
      control[0] = HubLink.connect(port, client, client);
      List<Thread> workers = startWorkers(workload, driver, port, client, seed);
      obey(control[0], clock);
      for (Thread worker : workers) {
        worker.join(STOP_GRACE.toMillis());
      }
    }
  }

  /* Both halves of a queued attempt at once, so that no other event of this link comes between them. */
  private static void queued(HubLink control, String lock, String owner, long ticket, long sent, long answered,
      Duration keep) {
    synchronized (control) {
      control.event(sent, Type.INVOKE, Op.QUEUED, lock, owner, ticket, keep.toNanos(), "");
      control.event(answered, Type.OK, Op.QUEUED, lock, owner, ticket, -1, "");
    }
  }

  /**
   * A replacement client may start while Redis (or the lock service) is down or its proxy cut: keep trying for a
   * while rather than fail the run.
   */
  private static LockDriver openPatiently(Workload workload, String uri, String client, SkewedClock clock,
      LockDriver.LostSink lost, FairTap.Sink queued) throws InterruptedException {
    long deadline = System.nanoTime() + CONNECT_PATIENCE.toNanos();
    while (true) {
      try {
        return open(workload, uri, client, clock, lost, queued);
      } catch (RuntimeException e) {
        if (System.nanoTime() - deadline > 0) {
          throw e;
        }
        log.info("cannot connect yet ({}); retrying", e.getMessage());
        Thread.sleep(200);
      }
    }
  }

  private static LockDriver open(Workload workload, String uri, String client, SkewedClock clock,
      LockDriver.LostSink lost, FairTap.Sink queued) {
    if (workload.lock().equals(Workload.HOLDFAST)) {
      return new HoldfastDriver(uri, "verify-" + client, clock, workload.ttl(), lost);
    }
    if (workload.isFair()) {
      return new FairDriver(uri, "verify-" + client, clock, workload.ttl(), lost, queued,
          workload.lock().equals(Workload.FAIR_BARGING));
    }
    if (workload.isReadWrite() || workload.isSemaphore()) {
      return new PrimitiveDriver(uri, "verify-" + client, clock, workload.ttl(), lost, workload.lock());
    }
    if (workload.isElection()) {
      return new ElectionDriver(uri, "verify-" + client, clock, workload.ttl(), lost,
          workload.lock().equals(Workload.ELECTION_LOCAL_TERMS));
    }
    return new TinyLock(uri, workload.flaw(), clock, workload.ttl().dividedBy(2));
  }

  private List<Thread> startWorkers(Workload workload, LockDriver driver, int port, String client, long seed) {
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < workload.threads(); i++) {
      String process = client + "w" + i;
      HubLink link = HubLink.connect(port, client, process);
      Worker worker = new Worker(process, workload, driver, link, seed * 1_000 + i, () -> stopping);
      Thread thread = new Thread(() -> runWorker(worker, link), process);
      thread.start();
      workers.add(thread);
    }
    return workers;
  }

  private static void runWorker(Worker worker, HubLink link) {
    try (link) {
      worker.run();
    } catch (HubLink.CheckerGone e) {
      Runtime.getRuntime().halt(3);
    }
  }

  private void obey(HubLink control, SkewedClock clock) {
    for (String command = control.nextCommand(); command != null; command = control.nextCommand()) {
      if (command.startsWith("CLOCK ")) {
        clock.set(Duration.ofMillis(Long.parseLong(command.substring(6).trim())));
      } else if (command.equals("STOP")) {
        stopping = true;
        return;
      }
    }
    // The checker closed the control connection without a STOP: it died, and so must we, at once.
    Runtime.getRuntime().halt(3);
  }
}
