package io.holdfast.verify;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/*
 * The one place events enter a history. It numbers them in the order it sees them, appends each as a JSON line to
 * the history file, keeps them for the checkers and tells observers (the fault scheduler wants to know who holds
 * a lock right now). Recording is serialised by this object's monitor: its order is the history's order, which
 * the fenced resource relies on by recording its decisions while holding its own lock.
 *
 * Times are nanoseconds since the recorder was made, on System.nanoTime; events from client JVMs arrive already
 * mapped onto this clock by their connection's TimeMap.
 */
final class Recorder implements AutoCloseable {
  private final long origin = System.nanoTime();
  private final Writer out;
  private final List<Event> events = new ArrayList<>();
  private final List<Consumer<Event>> observers = new CopyOnWriteArrayList<>();
  private long nextIndex;
  private boolean closed;

  private Recorder(Writer out) {
    this.out = out;
  }

  /** Records to {@code file} (gzipped when its name ends in {@code .gz}). */
  static Recorder toFile(Path file) {
    try {
      OutputStream raw = Files.newOutputStream(file);
      OutputStream stream = file.toString().endsWith(".gz") ? new GZIPOutputStream(raw, 1 << 16) : raw;
      return new Recorder(new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the history to " + file, e);
    }
  }

  /** Records in memory only, for tests. */
  static Recorder inMemory() {
    return new Recorder(Writer.nullWriter());
  }

  /** Now, on the history's clock. */
  long now() {
    return System.nanoTime() - origin;
  }

  /** A raw System.nanoTime value on the history's clock. */
  long fromNanoTime(long nanoTime) {
    return nanoTime - origin;
  }

  void observe(Consumer<Event> observer) {
    observers.add(observer);
  }

  /** Records an event stamped now. */
  Event record(Event event) {
    return record(event, now());
  }

  /** Records an event with the given time; the index is assigned here. */
  Event record(Event event, long time) {
    Event stamped;
    synchronized (this) {
      stamped = event.at(nextIndex++, time);
      events.add(stamped);
      if (!closed) {
        write(stamped);
      }
    }
    for (Consumer<Event> observer : observers) {
      observer.accept(stamped);
    }
    return stamped;
  }

  private void write(Event event) {
    try {
      out.write(HistoryCodec.encode(event));
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the history file", e);
    }
  }

  synchronized int size() {
    return events.size();
  }

  /** The history so far. */
  synchronized History history() {
    return new History(new ArrayList<>(events));
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the history file", e);
    }
  }
}
