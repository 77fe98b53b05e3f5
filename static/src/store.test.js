// The live-feed client against a fake WebSocket: the protocol of dashboard/consumers.py as the
// browser sees it (snapshot, events, duplicates, reconnect with since, snapshot replacing state,
// denial).
import { test } from "node:test";
import assert from "node:assert/strict";

import { Store, SUBPROTOCOL } from "./store.js";

class FakeSocket {
  static all = [];
  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    this.closed = false;
    FakeSocket.all.push(this);
  }
  open() {
    this.onopen?.({});
  }
  send(msg) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  close() {
    this.closed = true;
  }
  drop() {
    this.closed = true;
    this.onclose?.({ code: 1006 });
  }
}

function harness() {
  FakeSocket.all = [];
  const timers = [];
  const store = new Store({
    wsPath: "/ws/topology",
    WebSocketImpl: FakeSocket,
    location: { protocol: "https:", host: "portolan.example:8443" },
    setTimeout: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    clearTimeout: () => {},
    random: () => 0.5, // no jitter
  });
  const batches = [];
  const statuses = [];
  store.subscribe((b) => batches.push(b));
  store.onStatus((s) => statuses.push(s));
  const socket = () => FakeSocket.all[FakeSocket.all.length - 1];
  const fire = () => timers.shift().fn();
  return { store, batches, statuses, socket, timers, fire };
}

const pod = (name, rv, extra = {}) => ({
  kind: "Pod",
  apiVersion: "v1",
  metadata: { name, namespace: "default", resourceVersion: String(rv) },
  status: { phase: "Running" },
  ...extra,
});
const node = (name, rv) => ({
  kind: "Node",
  apiVersion: "v1",
  metadata: { name, resourceVersion: String(rv) },
});

test("connects to the view over portolan.v1 and loads the snapshot", () => {
  const { store, batches, statuses, socket } = harness();
  store.start();
  assert.equal(socket().url, "wss://portolan.example:8443/ws/topology?view=topology");
  assert.deepEqual(socket().protocols, [SUBPROTOCOL]);
  assert.equal(store.revision, -1);
  socket().open();
  socket().send({ type: "snapshot", revision: 7, objects: [pod("a", 5), node("n1", 2)] });
  assert.equal(store.revision, 7);
  assert.equal(store.status, "live");
  assert.deepEqual(statuses, ["live"]);
  assert.equal(store.get("Pod", "default", "a").metadata.name, "a");
  assert.equal(store.get("Node", "", "n1").metadata.name, "n1");
  assert.deepEqual(
    [...store.all("Pod")].map((p) => p.metadata.name),
    ["a"],
  );
  assert.deepEqual([...store.all("Service")], []);
  assert.equal(batches.length, 1);
  assert.equal(batches[0].reset, true);
  assert.equal(batches[0].revision, 7);
  assert.deepEqual(
    batches[0].changes.map((c) => [c.type, c.kind, c.key, c.previous]),
    [
      ["ADDED", "Pod", "default/a", undefined],
      ["ADDED", "Node", "/n1", undefined],
    ],
  );
});

test("applies a message of events whole and notifies once, with previous objects", () => {
  const { store, batches, socket } = harness();
  store.start();
  socket().open();
  socket().send({ type: "snapshot", revision: 7, objects: [pod("a", 5)] });
  const a5 = store.get("Pod", "default", "a");
  let seenInside = null;
  store.subscribe(() => {
    seenInside = [store.get("Pod", "default", "a"), store.get("Pod", "default", "b")];
  });
  socket().send({
    type: "events",
    revision: 10,
    events: [
      { revision: 8, type: "ADDED", object: pod("b", 8) },
      { revision: 9, type: "MODIFIED", object: pod("a", 9) },
      { revision: 10, type: "DELETED", object: pod("b", 10) },
    ],
  });
  assert.equal(batches.length, 2);
  const batch = batches[1];
  assert.equal(batch.reset, false);
  assert.equal(batch.revision, 10);
  assert.deepEqual(
    batch.changes.map((c) => [c.type, c.key, c.object.metadata.resourceVersion]),
    [
      ["ADDED", "default/b", "8"],
      ["MODIFIED", "default/a", "9"],
      ["DELETED", "default/b", "10"],
    ],
  );
  assert.equal(batch.changes[1].previous, a5);
  assert.equal(batch.changes[2].previous.metadata.resourceVersion, "8");
  // Subscribers see the state after the whole message.
  assert.equal(seenInside[0].metadata.resourceVersion, "9");
  assert.equal(seenInside[1], undefined);
  assert.equal(store.revision, 10);
});

test("drops events at or below the current revision (duplicates and replays)", () => {
  const { store, batches, socket } = harness();
  store.start();
  socket().open();
  socket().send({ type: "snapshot", revision: 10, objects: [pod("a", 10)] });
  socket().send({
    type: "events",
    revision: 12,
    events: [
      { revision: 9, type: "DELETED", object: pod("a", 9) }, // older than the snapshot
      { revision: 10, type: "MODIFIED", object: pod("a", 10, { status: { phase: "Failed" } }) },
      { revision: 12, type: "ADDED", object: pod("c", 12) },
    ],
  });
  assert.equal(store.get("Pod", "default", "a").status.phase, "Running");
  assert.deepEqual(
    batches[1].changes.map((c) => [c.type, c.key]),
    [["ADDED", "default/c"]],
  );
  // The same message again changes nothing and tells nobody.
  socket().send({
    type: "events",
    revision: 12,
    events: [{ revision: 12, type: "DELETED", object: pod("c", 12) }],
  });
  assert.ok(store.get("Pod", "default", "c"));
  assert.equal(batches.length, 2);
  assert.equal(store.revision, 12);
});

test("a message that only advances the revision is announced with no changes", () => {
  const { store, batches, socket } = harness();
  store.start();
  socket().open();
  socket().send({ type: "snapshot", revision: 3, objects: [] });
  socket().send({ type: "events", revision: 6, events: [] });
  assert.equal(store.revision, 6);
  assert.deepEqual(batches[1], { reset: false, revision: 6, changes: [] });
});

test("normalises change types against the state", () => {
  const { store, batches, socket } = harness();
  store.start();
  socket().open();
  socket().send({ type: "snapshot", revision: 1, objects: [pod("a", 1)] });
  socket().send({
    type: "events",
    revision: 4,
    events: [
      { revision: 2, type: "ADDED", object: pod("a", 2) },
      { revision: 3, type: "MODIFIED", object: pod("new", 3) },
      { revision: 4, type: "DELETED", object: pod("ghost", 4) },
    ],
  });
  assert.deepEqual(
    batches[1].changes.map((c) => [c.type, c.key]),
    [
      ["MODIFIED", "default/a"],
      ["ADDED", "default/new"],
    ],
  );
});

test("reconnects with backoff and resumes with since=<revision>", () => {
  const { store, statuses, socket, timers, fire, batches } = harness();
  store.start();
  socket().open();
  socket().send({ type: "snapshot", revision: 42, objects: [pod("a", 40)] });
  socket().drop();
  assert.equal(store.status, "reconnecting");
  assert.equal(timers.length, 1);
  assert.equal(timers[0].ms, 500);
  fire();
  assert.equal(socket().url, "wss://portolan.example:8443/ws/topology?view=topology&since=42");
  socket().drop(); // refused again: the wait doubles
  assert.equal(timers[0].ms, 1000);
  fire();
  socket().drop();
  fire();
  socket().drop();
  fire();
  socket().drop();
  assert.equal(timers[0].ms, 5000); // capped at 5 s
  fire();
  socket().open();
  assert.equal(store.status, "live");
  socket().send({
    type: "events",
    revision: 44,
    events: [
      { revision: 42, type: "DELETED", object: pod("a", 42) }, // replayed, already seen
      { revision: 43, type: "ADDED", object: pod("b", 43) },
    ],
  });
  assert.ok(store.get("Pod", "default", "a"));
  assert.ok(store.get("Pod", "default", "b"));
  assert.equal(batches.at(-1).revision, 44);
  assert.deepEqual(statuses, ["live", "reconnecting", "live"]);
  // A message arrived: the next drop waits the shortest time again.
  socket().drop();
  assert.equal(timers[0].ms, 500);
  fire();
  assert.match(socket().url, /since=44$/);
});

test("a snapshot after a reconnect replaces the state and reports what went away", () => {
  const { store, batches, socket, fire } = harness();
  store.start();
  socket().open();
  socket().send({
    type: "snapshot",
    revision: 5,
    objects: [pod("stays", 2), pod("changes", 3), pod("goes", 4), node("n1", 1)],
  });
  socket().drop();
  fire();
  socket().open();
  socket().send({
    type: "snapshot",
    revision: 90,
    objects: [pod("stays", 2), pod("changes", 80), pod("arrives", 85)],
  });
  assert.equal(store.revision, 90);
  const batch = batches.at(-1);
  assert.equal(batch.reset, true);
  assert.deepEqual(
    batch.changes.map((c) => [c.type, c.kind, c.key]).sort(),
    [
      ["ADDED", "Pod", "default/arrives"],
      ["DELETED", "Node", "/n1"],
      ["DELETED", "Pod", "default/goes"],
      ["MODIFIED", "Pod", "default/changes"],
    ],
  );
  const deleted = batch.changes.find((c) => c.key === "default/goes");
  assert.equal(deleted.previous.metadata.resourceVersion, "4");
  assert.equal(store.get("Pod", "default", "goes"), undefined);
  assert.equal(store.get("Node", "", "n1"), undefined);
  assert.deepEqual(
    [...store.all("Pod")].map((p) => p.metadata.name).sort(),
    ["arrives", "changes", "stays"],
  );
});

test("an error 401 or 403 denies and stops reconnecting", () => {
  for (const code of [401, 403]) {
    const { store, statuses, socket, timers } = harness();
    store.start();
    socket().open();
    socket().send({ type: "error", code, message: "Unauthorized" });
    assert.equal(store.status, "denied");
    assert.deepEqual(store.error, { code, message: "Unauthorized" });
    assert.ok(socket().closed);
    socket().drop();
    assert.equal(timers.length, 0);
    assert.equal(store.status, "denied");
    assert.deepEqual(statuses, ["live", "denied"]);
  }
});

test("stop() closes the socket and cancels reconnecting; unsubscribe stops notifications", () => {
  const { store, socket, timers, batches } = harness();
  const seen = [];
  const unsubscribe = store.subscribe((b) => seen.push(b));
  store.start();
  socket().open();
  socket().send({ type: "snapshot", revision: 1, objects: [] });
  unsubscribe();
  socket().send({ type: "events", revision: 2, events: [] });
  assert.equal(seen.length, 1);
  assert.equal(batches.length, 2);
  const s = socket();
  store.stop();
  assert.ok(s.closed);
  s.drop();
  assert.equal(timers.length, 0);
  // Messages from a socket the store let go of are ignored.
  s.send({ type: "events", revision: 3, events: [{ revision: 3, type: "ADDED", object: pod("x", 3) }] });
  assert.equal(store.get("Pod", "default", "x"), undefined);
});

test("plain http pages use ws://", () => {
  FakeSocket.all = [];
  const store = new Store({
    WebSocketImpl: FakeSocket,
    location: { protocol: "http:", host: "127.0.0.1:8000" },
  });
  store.start();
  assert.equal(FakeSocket.all[0].url, "ws://127.0.0.1:8000/ws/topology?view=topology");
  store.stop();
});

test("a snapshot in the topology view (no resourceVersions) reports only what really changed", () => {
  const { store, batches, socket, fire } = harness();
  const bare = (name, phase) => ({
    kind: "Pod",
    apiVersion: "v1",
    metadata: { name, namespace: "default" },
    status: { phase },
  });
  store.start();
  socket().open();
  socket().send({ type: "snapshot", revision: 7, objects: [bare("a", "Running"), bare("b", "Running")] });
  socket().drop();
  fire(); // reconnect; the server sends a fresh snapshot
  socket().open();
  socket().send({ type: "snapshot", revision: 9, objects: [bare("a", "Running"), bare("b", "Failed")] });
  const last = batches[batches.length - 1];
  assert.equal(last.reset, true);
  assert.deepEqual(
    last.changes.map((c) => [c.type, c.key]),
    [["MODIFIED", "default/b"]],
  );
});
