package io.holdfast.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/*
 * Catches SIGINT, SIGTERM and SIGHUP while a command that holds something (a lock, a leadership) runs, so that it
 * can stop what it started and give the lock back before the JVM exits: the JVM's own handling of these signals
 * starts the shutdown hooks at once, and the release would race the exit. The first signal is remembered; the
 * callback runs on the JVM's signal-dispatch thread for every signal. close() puts the previous handlers back, so
 * an in-process run (tests, embedding) leaves the JVM as it found it.
 *
 * Thread-safe: the remembered signal is an AtomicReference; handlers are installed and restored by the one thread
 * that owns the trap.
 */
final class SignalTrap implements AutoCloseable {
  private static final List<String> SIGNALS = List.of("INT", "TERM", "HUP");

  private final AtomicReference<Signal> first = new AtomicReference<>();
  private final List<Restore> previous = new ArrayList<>();

  private record Restore(Signal signal, SignalHandler handler) { }

  private SignalTrap() { }

  /**
   * Installs the trap.
   *
   * @param onSignal called with the signal's name (INT, TERM, HUP) on each signal, on the signal-dispatch thread
   * @return the trap, to close when the command is done
   */
  static SignalTrap install(Consumer<String> onSignal) {
    SignalTrap trap = new SignalTrap();
    for (String name : SIGNALS) {
      Signal signal = new Signal(name);
      SignalHandler handler = caught -> {
        trap.first.compareAndSet(null, caught);
        onSignal.accept(caught.getName());
      };
      try {
        trap.previous.add(new Restore(signal, Signal.handle(signal, handler)));
      } catch (IllegalArgumentException notHandled) {
        // The JVM was started with -Xrs or the signal does not exist here: nothing to trap.
      }
    }
    return trap;
  }

  /** The first signal caught, if any. */
  Optional<String> caught() {
    return Optional.ofNullable(first.get()).map(Signal::getName);
  }

  /** The exit code a shell gives a process killed by the first signal caught: 128 + its number (130 for INT). */
  int exitCode() {
    Signal signal = first.get();
    if (signal == null) {
      throw new IllegalStateException("no signal was caught");
    }
    return 128 + signal.getNumber();
  }

  @Override
  public void close() {
    for (Restore restore : previous) {
      Signal.handle(restore.signal(), restore.handler());
    }
  }
}
