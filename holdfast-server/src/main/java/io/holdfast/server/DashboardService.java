package io.holdfast.server;

import com.google.gson.Gson;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.server.ServerListener;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.holdfast.HoldfastException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The live dashboard's HTTP face, on any Armeria server: {@code /dashboard} (one static page, plain HTML and
 * JavaScript), {@code /dashboard/api/snapshot} (one JSON snapshot) and {@code /dashboard/api/stream} (server-sent
 * events: a snapshot every second until the page goes away). Query parameters {@code prefix}, {@code cursor} and
 * {@code limit} (default 50, at most {@link DashboardSource#MAX_LIMIT}) choose the page of locks.
 *
 * <p>Access: the page itself holds no data; every API call must pass {@link Access} with its
 * {@code authorization} header (the lock service asks for an admin token), else it is answered 401 with the
 * reason. A store that does not answer gives 503 on a snapshot, and an {@code error} event on the stream, which
 * keeps trying every second.
 *
 * <p>Streams end when the server stops, so a graceful shutdown is not held up by open pages.
 */
public final class DashboardService {
  /** The page refresh period: one snapshot per second per open page. */
  public static final Duration PERIOD = Duration.ofSeconds(1);
  private static final int DEFAULT_LIMIT = 50;
  private static final Gson JSON = new Gson();
  private static final byte[] PAGE = page();

  /** Decides who may read the dashboard. */
  @FunctionalInterface
  public interface Access {
    /**
     * The tenant the caller may see.
     *
     * @param authorization the request's {@code authorization} header, or null
     * @return the tenant
     * @throws HoldfastException (any subtype) when the caller may not read it; its message is shown on the page
     */
    String tenant(String authorization);
  }

  private final DashboardSource source;
  private final Access access;
  private final Set<HttpResponseWriter> streams = ConcurrentHashMap.newKeySet();

  private DashboardService(DashboardSource source, Access access) {
    this.source = source;
    this.access = access;
  }

  /**
   * Adds the dashboard's routes to {@code builder}.
   *
   * @param builder the server being built
   * @param source where snapshots come from
   * @param access who may read them
   * @return {@code builder}
   */
  public static ServerBuilder mount(ServerBuilder builder, DashboardSource source, Access access) {
    DashboardService dashboard = new DashboardService(source, access);
    return builder
        .service("/dashboard", (ctx, req) -> HttpResponse.of(HttpStatus.OK, MediaType.HTML_UTF_8,
            HttpData.wrap(PAGE)))
        .service("/dashboard/api/snapshot", (ctx, req) -> dashboard.snapshot(ctx, req.headers()
            .get(HttpHeaderNames.AUTHORIZATION)))
        .service("/dashboard/api/stream", (ctx, req) -> dashboard.stream(ctx, req.headers()
            .get(HttpHeaderNames.AUTHORIZATION)))
        .serverListener(ServerListener.builder().whenStopping(server -> dashboard.closeStreams()).build());
  }

  /** A page request: tenant and page, read once per request. */
  private record Query(String tenant, String prefix, String cursor, int limit) { }

  private HttpResponse snapshot(ServiceRequestContext ctx, String authorization) {
    Query query;
    try {
      query = query(ctx, authorization);
    } catch (HoldfastException e) {
      return error(HttpStatus.UNAUTHORIZED, e.getMessage());
    }
    return HttpResponse.of(source.snapshot(query.tenant(), query.prefix(), query.cursor(), query.limit())
        .handle((snapshot, failure) -> failure == null
            ? HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, JSON.toJson(snapshot))
            : error(HttpStatus.SERVICE_UNAVAILABLE, Errors.unwrap(failure).getMessage())));
  }

  private HttpResponse stream(ServiceRequestContext ctx, String authorization) {
    Query query;
    try {
      query = query(ctx, authorization);
    } catch (HoldfastException e) {
      return error(HttpStatus.UNAUTHORIZED, e.getMessage());
    }
    HttpResponseWriter stream = HttpResponse.streaming();
    stream.write(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.EVENT_STREAM)
        .add(HttpHeaderNames.CACHE_CONTROL, "no-cache").build());
    streams.add(stream);
    stream.whenComplete().handle((done, failure) -> streams.remove(stream));
    tick(ctx, stream, query);
    return stream;
  }

  /* One snapshot, then the next a period after it was sent: a slow store slows the page, never piles up calls. */
  private void tick(ServiceRequestContext ctx, HttpResponseWriter stream, Query query) {
    if (!stream.isOpen()) {
      return;
    }
    source.snapshot(query.tenant(), query.prefix(), query.cursor(), query.limit()).handle((snapshot, failure) -> {
      String event = failure == null ? "data: " + JSON.toJson(snapshot) + "\n\n"
          : "event: error\ndata: " + JSON.toJson(Map.of("error", String.valueOf(Errors.unwrap(failure)
              .getMessage()))) + "\n\n";
      if (stream.tryWrite(HttpData.ofUtf8(event))) {
        ctx.eventLoop().schedule(() -> tick(ctx, stream, query), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
      }
      return null;
    });
  }

  private Query query(ServiceRequestContext ctx, String authorization) {
    String tenant = access.tenant(authorization);
    QueryParams params = QueryParams.fromQueryString(ctx.query());
    int limit;
    try {
      limit = Integer.parseInt(params.get("limit", String.valueOf(DEFAULT_LIMIT)));
    } catch (NumberFormatException e) {
      limit = DEFAULT_LIMIT;
    }
    return new Query(tenant, params.get("prefix", ""), params.get("cursor", ""),
        Math.max(1, Math.min(limit, DashboardSource.MAX_LIMIT)));
  }

  private void closeStreams() {
    streams.forEach(HttpResponseWriter::close);
  }

  private static HttpResponse error(HttpStatus status, String message) {
    return HttpResponse.of(status, MediaType.JSON_UTF_8, JSON.toJson(Map.of("error", String.valueOf(message))));
  }

  private static byte[] page() {
    try (InputStream in = DashboardService.class.getResourceAsStream("dashboard.html")) {
      if (in == null) {
        throw new IllegalStateException("dashboard.html is missing from the holdfast-server jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
