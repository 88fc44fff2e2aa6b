package io.holdfast.verify;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/*
 * One child JVM of a run, a client (ClientMain) or a lock service instance (ServiceMain): started with the
 * checker's own java binary and class path, so whatever launched the checker (the CLI jar, Maven, an IDE) also
 * provides the child. It can be frozen (SIGSTOP), thawed (SIGCONT) and killed (SIGKILL) like any application
 * node. If the checker dies, a client notices its hub connection closing and a service instance its standard
 * input closing, and each halts, so no child outlives a run.
 */
final class ClientProcess {
  private final String id;
  private final Process process;
  private volatile boolean paused;

  private ClientProcess(String id, Process process) {
    this.id = id;
    this.process = process;
  }

  static ClientProcess start(String id, List<String> args, Path log) {
    return start(id, ClientMain.class, args, log);
  }

  /** Starts {@code main} (a class of this module with a main method) as a child JVM logging to {@code log}. */
  static ClientProcess start(String id, Class<?> main, List<String> args, Path log) {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(List.of("-Xmx256m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    try {
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      return new ClientProcess(id, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + id, e);
    }
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command()
        .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
  }

  String id() {
    return id;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  boolean isPaused() {
    return paused;
  }

  void pause() {
    Signals.send(process.pid(), "STOP");
    paused = true;
  }

  void resume() {
    if (paused) {
      Signals.send(process.pid(), "CONT");
      paused = false;
    }
  }

  /** SIGKILL, and wait until the process is gone. */
  void kill() {
    process.destroyForcibly();
    paused = false;
    awaitExit(Duration.ofSeconds(10));
  }

  boolean awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }
}
