// Unit tests of the live hub's client side, with a stand-in for the SignalR connection. Run by `npm test`
// (node's own test runner); the .NET suite runs them too (tests/Browser/ClientScriptTests.cs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HubConnectionState } from '@microsoft/signalr';
import { LiveImport, LiveScope, isRefusal, WATCH_RETRY_MS } from '../src/hub.js';

/** A hub connection that answers Watch from a queue of results (an Error is thrown, anything else returned). */
function standIn(results) {
  const calls = [];
  return {
    calls,
    state: HubConnectionState.Connected,
    on() {},
    onreconnecting() {},
    onreconnected(handler) { this.reconnected = handler; },
    onclose() {},
    async start() {},
    async stop() { this.state = HubConnectionState.Disconnected; },
    async invoke(method, ...args) {
      calls.push([method, ...args]);
      const next = results.shift();
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

function recorder() {
  const seen = { snapshots: [], states: [], errors: [] };
  return {
    seen,
    onSnapshot: (s, resynced) => seen.snapshots.push([s, resynced]),
    onState: (s) => seen.states.push(s),
    onError: (e) => seen.errors.push(e),
  };
}

const unexpected = () => new Error("An unexpected error occurred invoking 'Watch' on the server.");
const refused = () => new Error("An unexpected error occurred invoking 'Watch' on the server. HubException: 无权查看 school:x");

test('a refusal is told to the screen and not retried', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const connection = standIn([refused()]);
  const handlers = recorder();
  const live = new LiveScope('school:x', handlers, connection);

  await live.start();
  t.mock.timers.tick(WATCH_RETRY_MS * 5);
  await Promise.resolve();

  assert.equal(handlers.seen.errors.length, 1);
  assert.equal(connection.calls.length, 1);
  assert.equal(handlers.seen.snapshots.length, 0);
});

test('a watch the cluster could not answer (a node just died) is tried again until the snapshot comes', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const snapshot = { scope: 'district:d1', counts: { green: 1, yellow: 0, orange: 0, red: 0 } };
  const connection = standIn([unexpected(), unexpected(), snapshot]);
  const handlers = recorder();
  const live = new LiveScope('district:d1', handlers, connection);

  await live.start();
  assert.equal(connection.calls.length, 1);
  assert.equal(handlers.seen.states.at(-1), 'reconnecting');
  for (let i = 0; i < 2; i++) {
    t.mock.timers.tick(WATCH_RETRY_MS);
    await new Promise((resolve) => setImmediate(resolve));
  }

  assert.equal(connection.calls.length, 3);
  assert.deepEqual(handlers.seen.snapshots, [[snapshot, true]]);
  assert.equal(handlers.seen.states.at(-1), 'connected');
  assert.equal(handlers.seen.errors.length, 0);
});

test('a stopped screen does not watch again', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const connection = standIn([unexpected(), { scope: 'city' }]);
  const live = new LiveScope('city', recorder(), connection);

  await live.start();
  await live.stop();
  t.mock.timers.tick(WATCH_RETRY_MS * 3);
  await new Promise((resolve) => setImmediate(resolve));

  assert.equal(connection.calls.length, 1);
});

test('a reconnect watches again and the snapshot is marked as a resync', async () => {
  const connection = standIn([{ scope: 'city', n: 1 }, { scope: 'city', n: 2 }]);
  const handlers = recorder();
  const live = new LiveScope('city', handlers, connection);

  await live.start();
  await connection.reconnected();

  assert.deepEqual(handlers.seen.snapshots.map(([s, resynced]) => [s.n, resynced]), [[1, false], [2, true]]);
});

test('only HubExceptions count as refusals', () => {
  assert.equal(isRefusal(refused()), true);
  assert.equal(isRefusal(unexpected()), false);
  assert.equal(isRefusal(undefined), false);
});

test('an import watch the cluster could not answer is tried again; a refusal is not', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const job = { importId: 'imp-1', state: 'Running' };
  const connection = standIn([unexpected(), job]);
  const jobs = [];
  const errors = [];
  const live = new LiveImport({ onJob: (j) => jobs.push(j), onState() {}, onError: (e) => errors.push(e) }, connection);

  await live.watch('imp-1');
  t.mock.timers.tick(WATCH_RETRY_MS);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(jobs, [job]);
  assert.equal(errors.length, 0);

  const refusing = standIn([refused()]);
  const other = new LiveImport({ onJob() {}, onState() {}, onError: (e) => errors.push(e) }, refusing);
  await other.watch('imp-2');
  t.mock.timers.tick(WATCH_RETRY_MS * 3);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(errors.length, 1);
  assert.equal(refusing.calls.length, 1);
});
