package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/*
 * Who holds a lock right now, as far as the events say: the fault scheduler uses it to SIGKILL a client in the
 * middle of a hold rather than while it is idle. Approximate on purpose (observers run outside the recorder's
 * lock); it only steers fault targets, never a verdict.
 */
final class Holdings {
  private final Map<String, Set<String>> heldByProcess = new ConcurrentHashMap<>();

  void accept(Event e) {
    if (e.op() == Op.ACQUIRE && e.type() == Type.OK) {
      heldByProcess.computeIfAbsent(e.process(), p -> ConcurrentHashMap.newKeySet()).add(e.lock());
    } else if (e.op() == Op.RELEASE && e.type() == Type.INVOKE) {
      Set<String> held = heldByProcess.get(e.process());
      if (held != null) {
        held.remove(e.lock());
      }
    }
  }

  /** The clients ({@code c3}) with at least one worker holding a lock. */
  Set<String> clientsHolding() {
    return heldByProcess.entrySet().stream()
        .filter(entry -> !entry.getValue().isEmpty())
        .map(entry -> clientOf(entry.getKey()))
        .collect(Collectors.toSet());
  }

  /** Forgets a client's holds once it is gone. */
  void forget(String client) {
    heldByProcess.keySet().removeIf(process -> clientOf(process).equals(client));
  }

  private static String clientOf(String process) {
    int worker = process.indexOf('w');
    return worker < 0 ? process : process.substring(0, worker);
  }

  @Override
  public String toString() {
    return "Holdings" + heldByProcess;
  }
}
