/**
 * pins.js — positions the user dragged nodes to. A pinned node keeps its place through updates
 * and "Tidy layout"; pins are kept per element id in localStorage (key `portolan.pins`).
 * `storage` is injectable (anything with getItem/setItem/removeItem) so node tests can use it.
 */

export const PINS_KEY = "portolan.pins";

export class Pins {
  constructor(storage = globalThis.localStorage, key = PINS_KEY) {
    this.storage = storage || null;
    this.key = key;
    this.map = new Map();
    this.load();
  }

  load() {
    this.map.clear();
    if (!this.storage) return;
    let raw = null;
    try {
      raw = JSON.parse(this.storage.getItem(this.key) || "{}");
    } catch {
      raw = {};
    }
    for (const [id, xy] of Object.entries(raw || {})) {
      if (Array.isArray(xy) && Number.isFinite(xy[0]) && Number.isFinite(xy[1])) {
        this.map.set(id, { x: xy[0], y: xy[1] });
      }
    }
  }

  save() {
    if (!this.storage) return;
    const raw = {};
    for (const [id, p] of this.map) raw[id] = [Math.round(p.x), Math.round(p.y)];
    try {
      if (this.map.size) this.storage.setItem(this.key, JSON.stringify(raw));
      else this.storage.removeItem(this.key);
    } catch {
      // storage full or denied: pins then last for this page only
    }
  }

  has(id) {
    return this.map.has(id);
  }

  get(id) {
    return this.map.get(id);
  }

  /** Pin each [id, {x, y}] given. */
  pin(entries) {
    for (const [id, p] of entries) this.map.set(id, { x: p.x, y: p.y });
    this.save();
  }

  clear() {
    this.map.clear();
    this.save();
  }

  get size() {
    return this.map.size;
  }

  /** The Map id → {x, y} the layouts take. */
  all() {
    return this.map;
  }
}
