// The live hub: one SignalR connection per screen, watching one scope (or one import) at a time. After any
// reconnect the scope or import is watched again and its snapshot replaces what the page shows, so nothing
// missed while the connection was down stays missing.
import { HttpTransportType, HubConnectionBuilder, HubConnectionState, LogLevel } from '@microsoft/signalr';
import { current } from './session.js';

const RETRY_MS = [0, 1000, 2000, 5000, 10000, 15000, 30000];

/** How long a screen waits before watching again after the cluster could not answer (a node just died). */
export const WATCH_RETRY_MS = 2000;

/**
 * Whether a failed invocation is the server's refusal (a HubException: the scope is not allowed, does not exist),
 * which no retry heals. Anything else is the cluster failing over (a node went away, its grains are moving):
 * SignalR then says only that an unexpected error occurred, and watching again shortly succeeds.
 */
export const isRefusal = (error) => String(error?.message ?? '').includes('HubException:');

/**
 * After a screen's watch failed: a refusal goes to the screen as an error; anything else (right after a node dies
 * the grain may not answer yet, and a wall screen must not stay stale) is watched `again` in WATCH_RETRY_MS, for as
 * long as the screen is open and connected.
 */
function afterFailedWatch(screen, error, again) {
  if (isRefusal(error)) {
    screen.handlers.onError(error);
    return;
  }

  screen.handlers.onState('reconnecting');
  screen.watchTimer = setTimeout(() => {
    if (!screen.stopped && screen.connection.state === HubConnectionState.Connected) again();
  }, WATCH_RETRY_MS);
}

/** A connection to the grid's hub with the session's token that keeps trying for as long as the page is open. */
function gridConnection() {
  return new HubConnectionBuilder()
    // WebSockets straight away, without the negotiate round trip: behind a Kubernetes Service the negotiate
    // request and the connection may reach different web nodes, and no node keeps sticky sessions.
    .withUrl('/hubs/grid', {
      accessTokenFactory: () => current()?.token ?? '',
      skipNegotiation: true,
      transport: HttpTransportType.WebSockets,
    })
    // Keep trying for as long as the page is open: a wall screen must come back by itself.
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: (c) => RETRY_MS[Math.min(c.previousRetryCount, RETRY_MS.length - 1)] })
    .configureLogging(LogLevel.None)
    .build();
}

export class LiveScope {
  /**
   * @param {string} scope the scope to watch
   * @param {{ onSnapshot(status, resynced:boolean), onStatus?(status), onAlert?(event), onEscalation?(event), onCase?(event),
   *   onState(state), onError(error) }} handlers  (escalation and case are additions to the contract; a screen takes what it shows)
   * @param connection the hub connection (a stand-in in the client's unit tests)
   */
  constructor(scope, handlers, connection = gridConnection()) {
    this.scope = scope;
    this.handlers = handlers;
    this.stopped = false;
    this.restartTimer = 0;
    this.watchTimer = 0;
    this.connection = connection;
    this.connection.on('status', (s) => { if (s.scope === this.scope) handlers.onStatus?.(s); });
    this.connection.on('alert', (e) => handlers.onAlert?.(e));
    this.connection.on('escalation', (e) => handlers.onEscalation?.(e));
    this.connection.on('case', (e) => handlers.onCase?.(e));
    this.connection.onreconnecting(() => handlers.onState('reconnecting'));
    this.connection.onreconnected(() => this.watch(true));
    this.connection.onclose(() => { if (!this.stopped) { handlers.onState('disconnected'); this.scheduleStart(); } });
  }

  async start() {
    this.handlers.onState('connecting');
    try {
      await this.connection.start();
      await this.watch(false);
    } catch (error) {
      if (this.stopped) return;
      this.handlers.onState('disconnected');
      this.scheduleStart();
    }
  }

  scheduleStart() {
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (!this.stopped && this.connection.state === HubConnectionState.Disconnected) this.start();
    }, 3000);
  }

  async watch(resynced) {
    clearTimeout(this.watchTimer);
    try {
      const snapshot = await this.connection.invoke('Watch', this.scope);
      if (this.stopped) return;
      this.handlers.onSnapshot(snapshot, resynced);
      this.handlers.onState('connected');
    } catch (error) {
      if (this.stopped) return;
      afterFailedWatch(this, error, () => this.watch(true));
    }
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    clearTimeout(this.watchTimer);
    try { await this.connection.stop(); } catch { /* already closed */ }
  }
}

/**
 * Follows one import at a time (docs/imports.md, WatchImport): handlers.onJob(job) with the job as it is when
 * watched, then with every `import` message about it; onState(state) as for a scope. watch(id) switches to
 * another import.
 */
export class LiveImport {
  /**
   * @param {{ onJob(job), onState(state), onError(error) }} handlers
   * @param connection the hub connection (a stand-in in the client's unit tests)
   */
  constructor(handlers, connection = gridConnection()) {
    this.handlers = handlers;
    this.importId = null;
    this.started = null;
    this.stopped = false;
    this.watchTimer = 0;
    this.connection = connection;
    this.connection.on('import', (job) => { if (!this.stopped && job.importId === this.importId) handlers.onJob(job); });
    this.connection.onreconnecting(() => handlers.onState('reconnecting'));
    this.connection.onreconnected(() => { if (this.importId) this.watch(this.importId); });
    this.connection.onclose(() => { if (!this.stopped) { this.started = null; handlers.onState('disconnected'); } });
  }

  /** Watches importId (and no longer the import before); resolves when the hub answered or could not be reached. */
  async watch(importId) {
    clearTimeout(this.watchTimer);
    const previous = this.importId;
    this.importId = importId;
    try {
      if (!this.started) {
        this.handlers.onState('connecting');
        this.started = this.connection.start();
      }
      await this.started;
      if (previous && previous !== importId) await this.connection.invoke('UnwatchImport', previous).catch(() => {});
      const job = await this.connection.invoke('WatchImport', importId);
      if (this.stopped || this.importId !== importId) return;
      this.handlers.onJob(job);
      this.handlers.onState('connected');
    } catch (error) {
      if (this.stopped) return;
      if (this.connection.state === HubConnectionState.Disconnected) {
        this.started = null;
        this.handlers.onState('disconnected');
        this.handlers.onError(error);
        return;
      }
      afterFailedWatch(this, error, () => { if (this.importId === importId) this.watch(importId); });
    }
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.watchTimer);
    try { await this.connection.stop(); } catch { /* already closed */ }
  }
}
