package io.holdfast.verify;

import io.holdfast.verify.Event.Op;
import io.holdfast.verify.Event.Type;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * The checker's end of one client connection: calibrates the clock bracket, then turns each line into history
 * events (and, for writes, a decision of the fenced resource and its answer). Runs on its own thread until the
 * client goes away; a client killed with SIGKILL simply ends the stream.
 *
 * Lock names, owners and notes repeat on a connection (a lock name all run long, a worker's owner for a whole
 * acquire-write-release cycle), so each line's strings are replaced by the instance seen before: a run of a million
 * acquisitions keeps some ten million events in the checker's heap, and their strings were half of it. Owners are
 * shared with the previous line only (pooling every owner cost a third of the hub's CPU); lock names and notes go
 * through a pool that is this connection's own (one thread) and is emptied past POOL_LIMIT, which only costs
 * sharing.
 */
final class HubConnection implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(HubConnection.class);
  private static final int PROBES = 8;
  private static final int POOL_LIMIT = 4096;

  private final Wire wire;
  private final Hub hub;
  private final Recorder recorder;
  private final FencedResource resource;
  private final TimeMap clock = new TimeMap();
  private final Map<String, String> pool = new HashMap<>();
  private String lastOwner = "";
  private String client = "?";
  private String process = "?";

  HubConnection(Wire wire, Hub hub, Recorder recorder, FencedResource resource) {
    this.wire = wire;
    this.hub = hub;
    this.recorder = recorder;
    this.resource = resource;
  }

  @Override
  public void run() {
    try (wire) {
      if (!handshake()) {
        return;
      }
      for (String line = wire.read(); line != null; line = wire.read()) {
        handle(line, System.nanoTime());
      }
    } catch (IOException | RuntimeException e) {
      log.debug("connection of {} ended: {}", process, e.toString());
    } finally {
      hub.disconnected(client, process, clock);
    }
  }

  private boolean handshake() throws IOException {
    String[] hello = split(wire.read(), 3);
    if (hello == null || !hello[0].equals("HELLO")) {
      return false;
    }
    client = hello[1];
    process = hello[2];
    for (int i = 0; i < PROBES; i++) {
      long sent = System.nanoTime();
      wire.send("SYNC");
      String[] answer = split(wire.read(), 2);
      long received = System.nanoTime();
      if (answer == null || !answer[0].equals("T")) {
        return false;
      }
      clock.probe(sent, Long.parseLong(answer[1]), received);
    }
    hub.connected(client, process, wire, clock);
    wire.send("GO");
    return true;
  }

  private void handle(String line, long received) {
    if (line.startsWith("E ")) {
      event(line.split(" ", 9), received);
    } else if (line.startsWith("W ")) {
      write(line.split(" ", 7), received);
    } else {
      log.warn("{} sent an unknown line: {}", process, line);
    }
  }

  private void event(String[] f, long received) {
    long stamp = Long.parseLong(f[1]);
    clock.narrow(stamp, received);
    Type type = Type.valueOf(f[2]);
    long raw = type == Type.INVOKE ? clock.earliest(stamp) : Math.min(clock.latest(stamp), received);
    long valid = Long.parseLong(f[7]);
    long until = valid <= 0 ? 0 : recorder.fromNanoTime(clock.earliest(stamp)) + valid;
    Event event = new Event(0, 0, process, type, Op.valueOf(f[3]), shared(Wire.unfield(f[4])),
        owner(Wire.unfield(f[5])), Long.parseLong(f[6]), until, shared(Wire.unfield(f[8])));
    recorder.record(event, recorder.fromNanoTime(raw));
  }

  private void write(String[] f, long received) {
    long stamp = Long.parseLong(f[1]);
    clock.narrow(stamp, received);
    long claimStamp = Long.parseLong(f[5]);
    long valid = Long.parseLong(f[6]);
    long until = valid <= 0 ? 0 : recorder.fromNanoTime(clock.earliest(claimStamp)) + valid;
    FencedResource.Decision decision = resource.write(process, shared(Wire.unfield(f[2])),
        owner(Wire.unfield(f[3])),
        Long.parseLong(f[4]), recorder.fromNanoTime(clock.earliest(stamp)), until);
    wire.send((decision.accepted() ? "A " : "R ") + decision.highestToken());
  }

  private String owner(String value) {
    if (!value.equals(lastOwner)) {
      lastOwner = value;
    }
    return lastOwner;
  }

  private String shared(String value) {
    if (pool.size() >= POOL_LIMIT) {
      pool.clear();
    }
    String known = pool.putIfAbsent(value, value);
    return known == null ? value : known;
  }

  private static String[] split(String line, int fields) {
    if (line == null) {
      return null;
    }
    String[] parts = line.split(" ", fields);
    return parts.length == fields ? parts : null;
  }
}
