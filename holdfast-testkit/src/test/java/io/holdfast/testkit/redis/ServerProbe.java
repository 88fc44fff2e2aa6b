package io.holdfast.testkit.redis;

/**
 * Run in a child JVM by {@link ChildJvm}: starts a server, reports on it, and never stops it, so only
 * the test kit's safety nets can end it. Prints {@code key=value} lines, {@code pid} last.
 */
final class ServerProbe {

  private ServerProbe() {}

  /**
   * Entry point.
   *
   * @param args {@code exit} to return from main at once (the shutdown hook must act), or {@code hang}
   *     to wait until the parent SIGKILLs this JVM (the orphan guard must act)
   * @throws InterruptedException never in practice; the parent kills the JVM while it sleeps
   */
  public static void main(String[] args) throws InterruptedException {
    RedisBinary binary = RedisBinary.locate();
    RedisServer server = RedisServer.builder().build().start();
    System.out.println("source=" + binary.source());
    System.out.println("ping=" + server.command("PING"));
    System.out.println("dir=" + server.workingDirectory());
    System.out.println("pid=" + server.pid());
    System.out.flush();
    if (args.length > 0 && args[0].equals("hang")) {
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
