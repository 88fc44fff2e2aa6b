package io.holdfast;

/**
 * A distributed read/write lock: many owners may hold the read side at once, or one owner the write side.
 * Get one from {@link Holdfast#readWriteLock(String)}; the handle holds no state and costs nothing to make.
 *
 * <ul>
 *   <li><b>Leases.</b> Every read hold and write hold is a {@link Lease} of its own (TTL timed by the backend,
 *       renewal, loss signal), owned by an {@link OwnerToken}.</li>
 *   <li><b>Fencing.</b> Read and write grants of one name draw their tokens from one increasing sequence: a
 *       writer's token is larger than that of every reader granted before it, and each reader's larger than that
 *       of every earlier writer. A resource that accepts writes only with a token at least as large as the last
 *       it saw therefore refuses a reader or writer that lost its lease to a newer writer.</li>
 *   <li><b>Re-entry</b> is per owner and per side: the same owner acquiring the same side again gets the same
 *       token and a hold count one higher.</li>
 *   <li><b>Downgrade.</b> The write holder may acquire the read side with its own owner (granted at once); after
 *       releasing the write hold it keeps reading, and writers stay out. Upgrading (a read holder asking for the
 *       write side) is refused with {@link InvalidArgumentException}, because two readers upgrading would wait
 *       for each other forever.</li>
 *   <li><b>Writer preference</b> (the default): a writer that waits announces itself in the backend, and new
 *       readers stay out until it is granted, so a steady stream of readers cannot starve writers. The
 *       announcement lapses by itself when its writer stops waiting, within twice the re-check interval. Readers
 *       that already hold re-enter regardless. All users of one name should agree on the preference.</li>
 * </ul>
 */
public interface ReadWriteLock {

  /**
   * The lock's name.
   *
   * @return never null
   */
  LockName name();

  /**
   * Whether this handle gives waiting writers preference over new readers.
   *
   * @return true for {@link Holdfast#readWriteLock(String)}
   */
  boolean prefersWriters();

  /**
   * The shared side.
   *
   * @return acquires read holds
   */
  LeaseSource readLock();

  /**
   * The exclusive side.
   *
   * @return acquires write holds
   */
  LeaseSource writeLock();
}
