package io.holdfast.server;

import io.grpc.stub.StreamObserver;
import io.holdfast.api.v1.AdminServiceGrpc;
import io.holdfast.api.v1.ForceReleaseRequest;
import io.holdfast.api.v1.ForceReleaseResponse;
import io.holdfast.api.v1.ListLocksRequest;
import io.holdfast.api.v1.ListLocksResponse;
import io.holdfast.api.v1.ListSessionsRequest;
import io.holdfast.api.v1.ListSessionsResponse;
import io.holdfast.api.v1.ListWaitersRequest;
import io.holdfast.api.v1.ListWaitersResponse;
import io.holdfast.server.StoreViews.ClientFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * AdminService: read-only views for any caller of the tenant, and force-release for admins only. Every view
 * is scoped to the caller's tenant by construction (the store reads only that tenant's range), so one tenant
 * cannot list or free another's locks. Owner tokens are shown to admins only: a client token's listing has them
 * empty. They would be no capability anyway (a lock is released, renewed or re-entered only through its own
 * session, and a session only by the token that opened it), but a listing need not hand them out. Stateless.
 */
final class AdminServiceImpl extends AdminServiceGrpc.AdminServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(AdminServiceImpl.class);

  private final LockStore store;
  private final Requests requests;
  private final Calls calls;

  AdminServiceImpl(LockStore store, Requests requests, Calls calls) {
    this.store = store;
    this.requests = requests;
    this.calls = calls;
  }

  @Override
  public void listLocks(ListLocksRequest request, StreamObserver<ListLocksResponse> observer) {
    Principal caller = Principal.current();
    calls.unary("list_locks", observer, () -> store.listLocks(caller.tenant(),
        requests.namePrefix(request.getPrefix()), requests.pageToken(request.getPageToken()),
        requests.limit(request.getLimit())).thenCompose(page -> store.holders(caller.tenant(), page.locks())
            .thenApply(clients -> ListLocksResponse.newBuilder().addAllLocks(page.locks().stream()
                .map(view -> Wire.lock(view, caller.isAdmin(), clients.getOrDefault(view.sessionId(),
                    ClientFacts.UNKNOWN))).toList()).setNextPageToken(page.next()).build())), reply -> reply);
  }

  @Override
  public void listWaiters(ListWaitersRequest request, StreamObserver<ListWaitersResponse> observer) {
    Principal caller = Principal.current();
    calls.unary("list_waiters", observer, () -> store.listWaiters(requests.lock(caller, request.getName())),
        waiters -> ListWaitersResponse.newBuilder().addAllWaiters(waiters.stream()
            .map(view -> Wire.waiter(view, caller.isAdmin())).toList()).build());
  }

  @Override
  public void listSessions(ListSessionsRequest request, StreamObserver<ListSessionsResponse> observer) {
    Principal caller = Principal.current();
    calls.unary("list_sessions", observer, () -> store.listSessions(caller.tenant(), Requests.MAX_LIST),
        sessions -> ListSessionsResponse.newBuilder()
            .addAllSessions(sessions.stream().map(Wire::session).toList()).build());
  }

  @Override
  public void forceRelease(ForceReleaseRequest request, StreamObserver<ForceReleaseResponse> observer) {
    Principal caller = Principal.current();
    calls.unary("force_release", observer, () -> {
      Authenticator.requireAdmin(caller, "force-release");
      LockKey lock = requests.lock(caller, request.getName());
      if (request.getFencingToken() < 0) {
        throw ServiceException.badRequest("fencing_token must not be negative, was " + request.getFencingToken());
      }
      return store.forceRelease(lock, request.getFencingToken()).thenApply(forced -> {
        if (forced.released()) {
          log.warn("admin of tenant '{}' force-released lock '{}' (fencing token {})", caller.tenant(),
              lock.name(), forced.token());
          calls.events().forcedRelease(caller.tenant(), lock.name(), forced.token());
        }
        return forced;
      });
    }, forced -> ForceReleaseResponse.newBuilder().setReleased(forced.released())
        .setFencingToken(forced.token()).build());
  }
}
