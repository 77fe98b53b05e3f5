/**
 * store.js — the browser's copy of the cluster, kept current by the live feed.
 *
 *   const store = new Store({ wsPath: boot.wsPath });
 *   store.subscribe((batch) => ...);   // {reset, revision, changes: [{type, kind, key, object, previous}]}
 *   store.onStatus((status) => ...);   // "connecting" | "live" | "reconnecting" | "denied"
 *   store.start();
 *
 * Protocol (dashboard/consumers.py): WebSocket `<wsPath>?view=topology[&since=R]`, subprotocol
 * `portolan.v1`; the server sends `snapshot` (replace everything, current at R), `events` (in
 * revision order; R = where the client now stands) or `error` (401/403, then close).
 *
 * Rules this client keeps:
 * - an event whose revision is ≤ the current revision is dropped (already applied: a replay or a
 *   duplicate after a reconnect), so applying is idempotent;
 * - a message is applied whole and subscribers are told once per message, after it is applied;
 *   a message that only advances the revision is announced with `changes: []`;
 * - a snapshot replaces the state: the batch (reset: true) lists what differs from the previous
 *   state — ADDED, MODIFIED (resourceVersion changed, or unknown) and DELETED for every object the
 *   new snapshot lacks; objects that did not change are not listed;
 * - change types are normalised against the state: ADDED for an object already present is
 *   reported as MODIFIED, MODIFIED for an unknown object as ADDED; DELETED of an unknown object
 *   is not reported; `previous` is the object as it was (undefined if it was not there);
 * - on close it reconnects after a backoff (0.5 s doubling to 5 s, ±20 % jitter; back to 0.5 s
 *   once a message arrives) with `since=<revision>`; an `error` with code 401/403 sets the status
 *   "denied" and stops reconnecting (`store.error` holds {code, message}).
 *
 * Keys: `key` is "<namespace>/<name>", with namespace "" for cluster-scoped kinds (Node,
 * Namespace); `get(kind, namespace, name)` takes the same namespace.
 *
 * Injectable for tests: WebSocketImpl (constructor(url, protocols), onopen/onmessage/onclose/
 * onerror, close()), location ({protocol, host}), setTimeout/clearTimeout, random.
 */

export const SUBPROTOCOL = "portolan.v1";
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 5000;

export function objectKey(obj) {
  const meta = obj?.metadata || {};
  return `${meta.namespace || ""}/${meta.name || ""}`;
}

export class Store {
  constructor({
    wsPath = "/ws/topology",
    view = "topology",
    WebSocketImpl = globalThis.WebSocket,
    location = globalThis.location,
    setTimeout: setTimer = globalThis.setTimeout.bind(globalThis),
    clearTimeout: clearTimer = globalThis.clearTimeout.bind(globalThis),
    random = Math.random,
  } = {}) {
    this.wsPath = wsPath;
    this.view = view;
    this.WebSocketImpl = WebSocketImpl;
    this.location = location;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.random = random;
    this.revision = -1;
    this.status = "connecting";
    this.error = null;
    this.objects = new Map(); // kind → Map(key → object)
    this.subscribers = new Set();
    this.statusListeners = new Set();
    this.socket = null;
    this.timer = null;
    this.running = false;
    this.delay = BACKOFF_MIN_MS;
  }

  // -- reading --------------------------------------------------------------------------------

  all(kind) {
    const m = this.objects.get(kind);
    return m ? m.values() : [][Symbol.iterator]();
  }

  get(kind, namespace, name) {
    return this.objects.get(kind)?.get(`${namespace || ""}/${name}`);
  }

  count(kind) {
    return this.objects.get(kind)?.size ?? 0;
  }

  subscribe(fn) {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  onStatus(fn) {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  // -- connection -----------------------------------------------------------------------------

  url() {
    const loc = this.location || { protocol: "http:", host: "localhost" };
    const scheme = loc.protocol === "https:" ? "wss:" : "ws:";
    const params = new URLSearchParams({ view: this.view });
    if (this.revision >= 0) params.set("since", String(this.revision));
    return `${scheme}//${loc.host}${this.wsPath}?${params}`;
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop() {
    this.running = false;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      try {
        socket.close();
      } catch {
        // already closed
      }
    }
  }

  connect() {
    this.timer = null;
    if (!this.running) return;
    const socket = new this.WebSocketImpl(this.url(), [SUBPROTOCOL]);
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket === socket) this.setStatus("live");
    };
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onclose = () => {
      if (this.socket === socket) this.closed();
    };
    socket.onerror = () => {}; // a close follows
  }

  closed() {
    this.socket = null;
    if (!this.running || this.status === "denied") return;
    this.setStatus("reconnecting");
    const jitter = 0.8 + 0.4 * this.random();
    const wait = Math.round(this.delay * jitter);
    this.delay = Math.min(this.delay * 2, BACKOFF_MAX_MS);
    this.timer = this.setTimer(() => this.connect(), wait);
  }

  setStatus(status) {
    if (status === this.status) return;
    this.status = status;
    for (const fn of [...this.statusListeners]) {
      try {
        fn(status);
      } catch (err) {
        console.error("portolan: status listener failed", err);
      }
    }
  }

  // -- applying messages ----------------------------------------------------------------------

  /** Apply one server message (a JSON string or an already parsed object). */
  receive(data) {
    let msg;
    try {
      msg = typeof data === "string" ? JSON.parse(data) : data;
    } catch (err) {
      console.error("portolan: unreadable live message", err);
      return;
    }
    if (!msg || typeof msg !== "object") return;
    this.delay = BACKOFF_MIN_MS;
    if (msg.type === "snapshot") this.applySnapshot(msg);
    else if (msg.type === "events") this.applyEvents(msg);
    else if (msg.type === "error") {
      this.error = { code: msg.code, message: msg.message || "" };
      if (msg.code === 401 || msg.code === 403) {
        this.setStatus("denied");
        this.stop();
      }
    }
  }

  applySnapshot(msg) {
    const next = new Map();
    const changes = [];
    for (const obj of msg.objects || []) {
      const kind = obj?.kind;
      if (!kind) continue;
      let m = next.get(kind);
      if (!m) next.set(kind, (m = new Map()));
      const key = objectKey(obj);
      m.set(key, obj);
      const previous = this.objects.get(kind)?.get(key);
      if (previous === undefined) {
        changes.push({ type: "ADDED", kind, key, object: obj, previous: undefined });
      } else if (!sameVersion(previous, obj)) {
        changes.push({ type: "MODIFIED", kind, key, object: obj, previous });
      }
    }
    for (const [kind, m] of this.objects) {
      const keep = next.get(kind);
      for (const [key, previous] of m) {
        if (!keep || !keep.has(key)) {
          changes.push({ type: "DELETED", kind, key, object: previous, previous });
        }
      }
    }
    this.objects = next;
    this.revision = Number(msg.revision);
    this.notify({ reset: true, revision: this.revision, changes });
  }

  applyEvents(msg) {
    const start = this.revision;
    const changes = [];
    for (const e of msg.events || []) {
      if (!(e.revision > this.revision)) continue; // seen: a replay or a duplicate
      const obj = e.object;
      const kind = obj?.kind;
      if (kind) {
        const key = objectKey(obj);
        let m = this.objects.get(kind);
        if (!m) this.objects.set(kind, (m = new Map()));
        const previous = m.get(key);
        if (e.type === "DELETED") {
          if (previous !== undefined) {
            m.delete(key);
            changes.push({ type: "DELETED", kind, key, object: obj, previous });
          }
        } else {
          m.set(key, obj);
          const type = previous === undefined ? "ADDED" : "MODIFIED";
          changes.push({ type, kind, key, object: obj, previous });
        }
      }
      this.revision = e.revision;
    }
    const reached = Number(msg.revision);
    if (reached > this.revision) this.revision = reached;
    if (this.revision === start && changes.length === 0) return; // nothing new at all
    this.notify({ reset: false, revision: this.revision, changes });
  }

  notify(batch) {
    for (const fn of [...this.subscribers]) {
      try {
        fn(batch);
      } catch (err) {
        console.error("portolan: store subscriber failed", err);
      }
    }
  }
}

// Whether a snapshot's object is the one already held. The full view carries resourceVersions;
// the topology view drops them (cluster/liveview.py), so there the content decides.
function sameVersion(a, b) {
  const ra = a?.metadata?.resourceVersion;
  const rb = b?.metadata?.resourceVersion;
  if (ra !== undefined || rb !== undefined) return ra === rb;
  return JSON.stringify(a) === JSON.stringify(b);
}
