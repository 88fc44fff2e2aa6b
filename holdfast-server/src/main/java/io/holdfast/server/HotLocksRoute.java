package io.holdfast.server;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.holdfast.api.v1.Reason;
import java.util.concurrent.TimeUnit;

/*
 * GET /v1/admin/hot-locks?limit=N: the caller's tenant's most contended locks on this instance (HotLocks), as JSON.
 * A plain HTTP route, not an AdminService RPC, so the wire API is unchanged; it is routed for GET only (another
 * method gets the server's 405 JSON error). It authenticates with the same Authenticator as the gRPC calls (a
 * refused token is counted and logged the same way), and, like the listings, any token sees its own tenant's
 * locks. Stateless; the tracker it reads is thread-safe.
 */
final class HotLocksRoute implements HttpService {
  /** The path of the route. */
  static final String PATH = "/v1/admin/hot-locks";
  private static final int DEFAULT_LIMIT = 10;

  private final Authenticator authenticator;
  private final HotLocks hot;

  HotLocksRoute(Authenticator authenticator, HotLocks hot) {
    this.authenticator = authenticator;
    this.hot = hot;
  }

  @Override
  public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
    Principal caller;
    int limit;
    try {
      caller = authenticator.authenticate(req.headers().get("authorization"));
      limit = limit(ctx.queryParam("limit"));
    } catch (ServiceException e) {
      if (e.reason() == Reason.UNAUTHENTICATED) {
        authenticator.refused(e, ctx.remoteAddress());
      }
      return HttpResponse.of(e.reason() == Reason.UNAUTHENTICATED ? HttpStatus.UNAUTHORIZED : HttpStatus.BAD_REQUEST,
          MediaType.JSON_UTF_8, WireErrors.json(Errors.toStatus(e)));
    }
    JsonArray locks = new JsonArray();
    for (HotLocks.Entry entry : hot.top(caller.tenant(), limit)) {
      JsonObject lock = new JsonObject();
      lock.addProperty("name", LockKey.nameWithin(caller.tenant(), entry.fullName()));
      lock.addProperty("contended", entry.contended());
      lock.addProperty("overcountAtMost", entry.overcount());
      lock.addProperty("waits", entry.waits());
      lock.addProperty("waitedMs", TimeUnit.NANOSECONDS.toMillis(entry.waitedNanos()));
      locks.add(lock);
    }
    JsonObject body = new JsonObject();
    body.add("locks", locks);
    body.addProperty("trackedCapacity", LockStats.HOT_CAPACITY);
    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8, body.toString());
  }

  private static int limit(String value) {
    if (value == null || value.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(value);
      if (limit >= 1 && limit <= LockStats.HOT_CAPACITY) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below, naming the value
    }
    throw ServiceException.badRequest("limit must be a whole number from 1 to " + LockStats.HOT_CAPACITY
        + ", was '" + value + "'");
  }
}
