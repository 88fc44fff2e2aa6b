#!/usr/bin/env node
// A Holdfast lock service client in Node.js, built from the protos in holdfast-api/src/main/proto alone (nothing
// else on the include path): it opens sessions, acquires a lock, waits for it in a second session until the first
// releases it, releases, watches a session expire and its lock go into lock-delay, and decodes the
// google.rpc.ErrorInfo of the errors it provokes (NOT_OWNER, SESSION_EXPIRED).
//
//   npm ci
//   node holdfast-example.js [host:port]        # default 127.0.0.1:7420
//
// Environment: HOLDFAST_TOKEN (a bearer token; needs the admin role for the waiter listing, or a server without
// tokens), HOLDFAST_PROTO_DIR (default ../../holdfast-api/src/main/proto). Each step prints one "ok:" line; any
// answer other than the one docs/server.md promises exits with status 1 and says which.
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const address = process.argv[2] || '127.0.0.1:7420';
const protoDir = process.env.HOLDFAST_PROTO_DIR
  || path.join(__dirname, '..', '..', 'holdfast-api', 'src', 'main', 'proto');

// Field names as the proto spells them; int64 fields (fencing tokens, durations) as strings, as proto3 JSON has them,
// since a fencing token can exceed 2^53.
const definition = protoLoader.loadSync('holdfast/v1/holdfast.proto',
  { includeDirs: [protoDir], keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
const v1 = grpc.loadPackageDefinition(definition).holdfast.v1;

// The error details: google.rpc.Status in the trailer grpc-status-details-bin, whose details are Any-packed
// google.rpc.ErrorInfo messages (domain holdfast.io, reason, metadata.error_code).
const errorProtos = new protobuf.Root();
errorProtos.resolvePath = (origin, target) => (path.isAbsolute(target) ? target : path.join(protoDir, target));
errorProtos.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']);
const RpcStatus = errorProtos.lookupType('google.rpc.Status');
const ErrorInfo = errorProtos.lookupType('google.rpc.ErrorInfo');

function errorInfo(error) {
  const raw = error.metadata && error.metadata.get('grpc-status-details-bin')[0];
  if (!raw) {
    throw new Error(`no error details in ${error.code} ${error.details}`);
  }
  const status = RpcStatus.decode(raw);
  const any = status.details.find((d) => d.type_url === 'type.googleapis.com/google.rpc.ErrorInfo');
  if (!any) {
    throw new Error(`no ErrorInfo among ${status.details.map((d) => d.type_url)}`);
  }
  return ErrorInfo.toObject(ErrorInfo.decode(any.value));
}

const credentials = grpc.credentials.createInsecure();
const sessions = new v1.SessionService(address, credentials);
const locks = new v1.LockService(address, credentials);
const admin = new v1.AdminService(address, credentials);

function call(client, method, request) {
  const metadata = new grpc.Metadata();
  if (process.env.HOLDFAST_TOKEN) {
    metadata.set('authorization', `Bearer ${process.env.HOLDFAST_TOKEN}`);
  }
  return new Promise((resolve, reject) => {
    client[method](request, metadata, { deadline: Date.now() + 30_000 },
      (error, answer) => (error ? reject(error) : resolve(answer)));
  });
}

async function failure(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded; an error was expected');
}

function check(condition, what, seen) {
  if (!condition) {
    throw new Error(`${what}; got ${JSON.stringify(seen)}`);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const name = `node-example/${process.pid}-${Date.now()}`;

  const first = await call(sessions, 'OpenSession', { client_name: 'node-example-1', ttl_ms: 30_000 });
  const second = await call(sessions, 'OpenSession', { client_name: 'node-example-2', ttl_ms: 30_000 });
  check(first.session_id && second.session_id, 'OpenSession answers a session id', first);
  console.log(`ok: opened sessions ${first.session_id} and ${second.session_id}`);

  const held = await call(locks, 'Acquire', { session_id: first.session_id, name, owner: 'node-1' });
  check(held.acquired && BigInt(held.fencing_token) > 0n, 'Acquire of a free lock grants it', held);
  console.log(`ok: acquired ${name} with fencing token ${held.fencing_token}`);

  const busy = await call(locks, 'TryAcquire', { session_id: second.session_id, name, owner: 'node-2' });
  check(busy.acquired === false, 'TryAcquire of a held lock answers acquired = false', busy);
  console.log('ok: a try-acquire of the held lock answers acquired=false');

  // The service waits for the lock on our behalf (a long poll); once it lists us as a waiter, release.
  const waiting = call(locks, 'Acquire', { session_id: second.session_id, name, owner: 'node-2',
    wait_timeout_ms: 20_000 });
  for (let listed = false; !listed; await sleep(50)) {
    const waiters = await call(admin, 'ListWaiters', { name });
    listed = waiters.waiters.some((w) => w.session_id === second.session_id);
  }
  console.log('ok: the second session waits for the lock');
  const released = await call(locks, 'Release', { session_id: first.session_id, name, owner: 'node-1',
    fencing_token: held.fencing_token });
  check(released.remaining_holds === 0, 'Release of the only hold leaves 0 holds', released);
  const granted = await waiting;
  check(granted.acquired && BigInt(granted.fencing_token) > BigInt(held.fencing_token),
    'the waiting Acquire is granted on release, with a larger fencing token', granted);
  console.log(`ok: release granted the waiting acquire, fencing token ${granted.fencing_token}`);

  const stale = await failure(call(locks, 'Release', { session_id: first.session_id, name, owner: 'node-1',
    fencing_token: held.fencing_token }));
  const staleInfo = errorInfo(stale);
  check(stale.code === grpc.status.FAILED_PRECONDITION && staleInfo.reason === 'NOT_OWNER'
    && staleInfo.domain === 'holdfast.io' && staleInfo.metadata.error_code === 'LEASE_LOST',
  'a release with a stale token fails FAILED_PRECONDITION, reason NOT_OWNER', { code: stale.code, staleInfo });
  console.log(`ok: a stale release failed: ${staleInfo.reason} (${staleInfo.metadata.error_code})`);

  await call(locks, 'Release', { session_id: second.session_id, name, owner: 'node-2',
    fencing_token: granted.fencing_token });

  // A session that is not kept alive expires; its lock is then in lock-delay, and the session cannot be revived.
  const shortLived = await call(sessions, 'OpenSession', { client_name: 'node-example-expiring', ttl_ms: 1_000 });
  const expiring = `${name}/expiring`;
  check((await call(locks, 'Acquire', { session_id: shortLived.session_id, name: expiring })).acquired,
    'Acquire in the short session', expiring);
  let info;
  for (let deadline = Date.now() + 20_000; ; await sleep(100)) {
    info = await call(locks, 'Inspect', { name: expiring });
    if (!info.held || Date.now() > deadline) {
      break;
    }
  }
  check(!info.held && info.delayed === (BigInt(shortLived.lock_delay_ms) > 0n),
    'the lock of an expired session is no longer held (and delayed if the server has a lock-delay)', info);
  const expired = await failure(call(sessions, 'KeepAlive', { session_id: shortLived.session_id }));
  const expiredInfo = errorInfo(expired);
  check(expired.code === grpc.status.FAILED_PRECONDITION && expiredInfo.reason === 'SESSION_EXPIRED',
    'KeepAlive of an expired session fails with reason SESSION_EXPIRED', { code: expired.code, expiredInfo });
  console.log(`ok: the session expired, its lock is free (lock-delayed: ${info.delayed}), keep-alive failed:`
    + ` ${expiredInfo.reason}`);

  for (const session of [first, second]) {
    await call(sessions, 'CloseSession', { session_id: session.session_id });
  }
  console.log('ok: closed the sessions');
}

main().then(() => process.exit(0), (error) => {
  console.error(`FAILED: ${error.message || error}`);
  process.exit(1);
});
