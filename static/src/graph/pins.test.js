import assert from "node:assert/strict";
import { test } from "node:test";

import { PINS_KEY, Pins } from "./pins.js";

function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k), m };
}

test("pins survive a reload (kept per element id) and Unpin all forgets them", () => {
  const storage = memoryStorage();
  const pins = new Pins(storage);
  pins.pin([["svc:default/web", { x: 10.4, y: -20.6 }]]);
  const again = new Pins(storage);
  assert.deepEqual(again.get("svc:default/web"), { x: 10, y: -21 });
  assert.ok(JSON.parse(storage.getItem(PINS_KEY))["svc:default/web"]);
  again.clear();
  assert.equal(new Pins(storage).size, 0);
  assert.equal(storage.getItem(PINS_KEY), null);
});

test("broken or missing storage does not break the graph", () => {
  const storage = memoryStorage();
  storage.setItem(PINS_KEY, "{not json");
  assert.equal(new Pins(storage).size, 0);
  const none = new Pins(null);
  none.pin([["a", { x: 1, y: 2 }]]);
  assert.deepEqual(none.get("a"), { x: 1, y: 2 });
});
