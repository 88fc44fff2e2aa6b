package io.holdfast.api.v1;

/*
 * Why batched replies: on a call stream Armeria writes one message, waits for that write to complete, then takes
 * the next, so messages of one stream never share a write, however their flushes are consolidated (tried: a
 * FlushConsolidationHandler that also merges flushes outside reads left exactly one writev per reply). A burst of
 * answers, which Redis produces by answering many calls per read, cost one message, one write system call and one
 * read at the other end each: in profiles of the service under 64 concurrent callers, a fifth of its CPU went to
 * those writes. Several replies in one StreamReply cost one of each for the lot.
 *
 * Why it is safe for every client: only a client that sends REPLY_BATCH_HEADER gets batches; any other client
 * (another language's, an older Java one) gets one reply per message as before, and servers that do not know the
 * header ignore it.
 */
/**
 * Not an API: the wire contract for batched replies shared by the lock service's server and its Java client. See
 * the CallStream service in the proto.
 */
public final class WireBatching {
  /**
   * The request header (value {@code 1}) by which a client, opening a call stream, accepts several replies per
   * StreamReply message (its {@code batch} field).
   */
  public static final String REPLY_BATCH_HEADER = "holdfast-batch";

  /** Replies put into one message at most, so that a message stays far below any size limit. */
  public static final int MAX_REPLIES_PER_MESSAGE = 256;

  private WireBatching() {
  }
}
