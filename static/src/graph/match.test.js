import assert from "node:assert/strict";
import { test } from "node:test";

import { labelsMatch, parseLabelQuery, searchMatches } from "./match.js";
import { pod, svc } from "./fixtures.js";

test("label queries: equality, inequality, existence, absence (ANDed)", () => {
  const { requirements } = parseLabelQuery("app=web, tier!=db, env, !canary");
  assert.deepEqual(requirements, [
    { key: "app", op: "=", value: "web" },
    { key: "tier", op: "!=", value: "db" },
    { key: "env", op: "exists" },
    { key: "canary", op: "!" },
  ]);
  assert.ok(labelsMatch({ app: "web", env: "prod" }, requirements));
  assert.ok(!labelsMatch({ app: "web", env: "prod", canary: "1" }, requirements));
  assert.ok(!labelsMatch({ app: "web", tier: "db", env: "prod" }, requirements));
  assert.ok(!labelsMatch({ app: "api", env: "prod" }, requirements));
});

test("a bad label query says what is wrong; an empty one matches nothing", () => {
  assert.match(parseLabelQuery("-bad=c").error, /invalid label key "-bad"/);
  assert.match(parseLabelQuery("a b=c").error, /cannot read "a b=c"/);
  assert.deepEqual(parseLabelQuery("  ").requirements, []);
  assert.equal(labelsMatch({ app: "web" }, []), false);
});

test("search finds by name, namespace/name, IP and node, case-insensitively", () => {
  const p = pod("shop", "Web-1");
  assert.ok(searchMatches(p, "web-1"));
  assert.ok(searchMatches(p, "shop/web"));
  assert.ok(searchMatches(p, "10.244.0.5"));
  assert.ok(searchMatches(p, "NODE-1"));
  assert.ok(!searchMatches(p, "db"));
  assert.ok(searchMatches(svc("default", "web"), "10.96.0.10"));
  assert.ok(!searchMatches(p, ""));
});
