package io.holdfast.server;

import io.grpc.stub.StreamObserver;
import io.holdfast.api.v1.CloseSessionRequest;
import io.holdfast.api.v1.CloseSessionResponse;
import io.holdfast.api.v1.KeepAliveRequest;
import io.holdfast.api.v1.KeepAliveResponse;
import io.holdfast.api.v1.LeaseRenewal;
import io.holdfast.api.v1.OpenSessionRequest;
import io.holdfast.api.v1.Session;
import io.holdfast.api.v1.SessionServiceGrpc;
import io.holdfast.api.v1.Reason;
import io.holdfast.server.StoreViews.KeepAliveResult;
import io.holdfast.server.StoreViews.Renewal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/*
 * SessionService: open, keep alive, close. Each call validates its fields on the gRPC thread (with the caller's
 * Principal from the Context) and is then one store step. Stateless: sessions live in the store.
 */
final class SessionServiceImpl extends SessionServiceGrpc.SessionServiceImplBase {
  private final LockStore store;
  private final Requests requests;
  private final Calls calls;
  private final ServerConfig config;

  SessionServiceImpl(LockStore store, Requests requests, Calls calls, ServerConfig config) {
    this.store = store;
    this.requests = requests;
    this.calls = calls;
    this.config = config;
  }

  @Override
  public void openSession(OpenSessionRequest request, StreamObserver<Session> observer) {
    Principal caller = Principal.current();
    calls.unary("open_session", observer, () -> {
      String clientName = requests.clientName(request.getClientName());
      return store.openSession(caller.tenant(), caller.id(), clientName, requests.clientHost(request.getClientHost()),
          requests.sessionTtl(request.getTtlMs()), config.lockDelay()).thenApply(opened -> Session.newBuilder()
              .setSessionId(opened.id()).setTenant(caller.tenant()).setClientName(clientName).setTtlMs(opened.ttl().toMillis())
              .setLockDelayMs(opened.lockDelay().toMillis()).setMaxWaitMs(config.maxWait().toMillis()).build());
    }, session -> session);
  }

  @Override
  public void keepAlive(KeepAliveRequest request, StreamObserver<KeepAliveResponse> observer) {
    Principal caller = Principal.current();
    calls.unary("keep_alive", observer, () -> {
      SessionRef session = requests.session(caller, request.getSessionId());
      requests.renewals(request.getRenewalsCount());
      List<Renewal> renewals = new ArrayList<>(request.getRenewalsCount());
      for (LeaseRenewal renewal : request.getRenewalsList()) {
        renewals.add(new Renewal(requests.lock(caller, renewal.getName()),
            requests.owner(renewal.getOwner(), session.id()), requests.token(renewal.getFencingToken()),
            requests.leaseTtl(renewal.getLeaseTtlMs(), false)));
      }
      Optional<Duration> offset = requests.clockOffset(request.hasClockOffsetUs(), request.getClockOffsetUs());
      return store.keepAlive(session, renewals, offset).whenComplete((result, failure) -> noteLosses(caller, session,
          renewals, result, failure));
    }, result -> KeepAliveResponse.newBuilder().setTtlMs(result.ttl().toMillis())
        .addAllRenewed(result.renewed()).setStoreTimeMs(result.storeTimeMillis()).build());
  }

  @Override
  public void closeSession(CloseSessionRequest request, StreamObserver<CloseSessionResponse> observer) {
    Principal caller = Principal.current();
    calls.unary("close_session", observer,
        () -> store.closeSession(requests.session(caller, request.getSessionId())),
        released -> CloseSessionResponse.newBuilder().setReleasedLocks(released).build());
  }

  /* The dashboard's lease-lost events: renewals the keep-alive refused, or the whole session gone. */
  private void noteLosses(Principal caller, SessionRef session, List<Renewal> renewals, KeepAliveResult result,
      Throwable failure) {
    if (result != null) {
      for (int i = 0; i < renewals.size() && i < result.renewed().size(); i++) {
        if (!result.renewed().get(i)) {
          calls.events().leaseLost(caller.tenant(), renewals.get(i).lock().name(),
              "keep-alive could not renew it (fencing token " + renewals.get(i).token() + ")");
        }
      }
    } else if (Errors.unwrap(failure) instanceof ServiceException lost
        && (lost.reason() == Reason.SESSION_EXPIRED || lost.reason() == Reason.SESSION_UNKNOWN)) {
      calls.events().sessionLost(caller.tenant(), session.id(), lost.getMessage());
    }
  }
}
