package io.holdfast.api.v1;

import io.grpc.Metadata;

/*
 * Both directions of a call stream can carry several calls or replies per message. A client announces that it
 * takes batched replies with the request header BATCH_HEADER; a server announces that it takes batched calls with
 * the same header on its response. Each side batches only toward a peer that announced it, so a client in another
 * language, or an older one, sees one reply per message, and an older server is sent one call per message.
 *
 * Why batch: on a call stream Armeria writes one message, waits for that write to complete, then takes the next, so
 * messages of one stream never share a write, however their flushes are consolidated (tried: a
 * FlushConsolidationHandler that also merges flushes outside reads left exactly one writev per reply). A burst of
 * answers, which Redis produces by answering many calls per read, or of calls, which many workers make at once,
 * cost one message, one write system call and one read at the other end each: in profiles of the service under 64
 * concurrent callers, a fifth of its CPU went to those writes. Several in one message cost one of each for the lot.
 */
/**
 * Not an API: the wire contract for batched calls and replies shared by the lock service's server and its Java
 * client. See the CallStream service in the proto.
 */
public final class WireBatching {
  /**
   * The header (value {@code 1}) by which a client, opening a call stream, accepts several replies per StreamReply
   * (its {@code batch} field), and by which a server, in its response headers, accepts several calls per StreamCall.
   */
  public static final String BATCH_HEADER = "holdfast-batch";

  /** Calls or replies put into one message at most, so that a message stays far below any size limit. */
  public static final int MAX_PER_MESSAGE = 256;

  private static final Metadata.Key<String> METADATA_KEY = Metadata.Key.of(BATCH_HEADER,
      Metadata.ASCII_STRING_MARSHALLER);

  private WireBatching() {
  }

  /** Whether a call stream's response headers (null before they came) announce that the server takes batches. */
  public static boolean announced(Metadata headers) {
    return headers != null && "1".equals(headers.get(METADATA_KEY));
  }
}
