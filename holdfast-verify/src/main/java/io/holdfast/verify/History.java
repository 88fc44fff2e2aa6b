package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A recorded history: the events in the order the checker recorded them, paired into {@link Operation}s and
 * {@link FaultWindow}s. Immutable once built; the checkers only read it.
 *
 * <p>Pairing is per process in recording order: a process has one operation open at a time and all of its
 * events travel over one connection (or, for writes, are recorded by the resource while that connection waits),
 * so recording order is its program order even where two times are within the clock-mapping uncertainty.
 */
final class History {
  private final List<Event> events;
  private final List<Operation> operations = new ArrayList<>();
  private final List<FaultWindow> faults = new ArrayList<>();
  private final List<Event> lost = new ArrayList<>();
  private final List<Operation> queued = new ArrayList<>();
  private final Map<String, List<Operation>> byLock = new LinkedHashMap<>();
  private final long end;

  History(List<Event> events) {
    this.events = events.stream().sorted(Comparator.comparingLong(Event::index)).toList();
    this.end = this.events.stream().mapToLong(Event::time).max().orElse(0);
    pair();
    operations.sort(Comparator.comparingLong(Operation::invoke));
    queued.sort(Comparator.comparingLong(Operation::invoke));
    for (Operation op : operations) {
      byLock.computeIfAbsent(op.lock(), k -> new ArrayList<>()).add(op);
    }
  }

  /** Reads a JSON-lines history written by {@link Recorder} ({@code .gz} files are decompressed). */
  static History read(Path file) throws IOException {
    List<Event> events = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(file);
         InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
         BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (!line.isBlank()) {
          events.add(HistoryCodec.decode(line));
        }
      }
    }
    return new History(events);
  }

  private void pair() {
    Map<String, Event> open = new HashMap<>();
    for (Event e : events) {
      if (e.op() == Op.LOST) {
        lost.add(e);
      } else if (e.type() == Type.INVOKE) {
        Event previous = open.put(e.process(), e);
        if (previous != null) {
          add(previous, null);
        }
      } else {
        Event invoke = open.remove(e.process());
        if (invoke != null) {
          add(invoke, e);
        }
      }
    }
    open.values().forEach(invoke -> add(invoke, null));
  }

  private void add(Event invoke, Event completion) {
    if (invoke.op() == Op.FAULT) {
      long healed = completion == null ? Long.MAX_VALUE : completion.time();
      String note = completion == null || completion.note().isEmpty() ? invoke.note()
          : invoke.note() + "; " + completion.note();
      faults.add(new FaultWindow(FaultKind.parse(invoke.lock()), invoke.owner(), invoke.time(), healed, note));
    } else if (invoke.op() == Op.QUEUED) {
      queued.add(Operation.of(invoke, completion));
    } else {
      operations.add(Operation.of(invoke, completion));
    }
  }

  List<Event> events() {
    return events;
  }

  /** Every lock operation (acquire, renew, release, write), by invoke time. */
  List<Operation> operations() {
    return operations;
  }

  /** The lock operations of each lock, by invoke time. */
  Map<String, List<Operation>> byLock() {
    return byLock;
  }

  List<FaultWindow> faults() {
    return faults;
  }

  /** The fair waiters' busy attempts that named their place in line (ticket = token), by invoke time. */
  List<Operation> queued() {
    return queued;
  }

  /** Lease-lost notifications. */
  List<Event> lost() {
    return lost;
  }

  /** The time of the last event. */
  long end() {
    return end;
  }

  /** The successful acquires, by invoke time. */
  List<Operation> grants() {
    return operations.stream().filter(o -> o.op() == Op.ACQUIRE && o.isOk()).toList();
  }

  boolean hasFault(java.util.function.Predicate<FaultKind> which) {
    return faults.stream().anyMatch(f -> which.test(f.kind()));
  }
}
