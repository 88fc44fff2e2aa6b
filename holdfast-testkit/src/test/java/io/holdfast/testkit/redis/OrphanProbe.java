package io.holdfast.testkit.redis;

/**
 * Run in a child JVM by {@link RedisServerOrphanIT}: starts a server, prints its pid, and never stops
 * it, so only the test kit's safety nets can end it.
 */
final class OrphanProbe {

  private OrphanProbe() {}

  /**
   * Entry point.
   *
   * @param args {@code exit} to return from main at once (the shutdown hook must act), or {@code hang}
   *     to wait until the parent SIGKILLs this JVM (the orphan guard must act)
   * @throws InterruptedException never in practice; the parent kills the JVM while it sleeps
   */
  public static void main(String[] args) throws InterruptedException {
    RedisServer server = RedisServer.builder().build().start();
    System.out.println("pid=" + server.pid());
    System.out.flush();
    if (args.length > 0 && args[0].equals("hang")) {
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
