// Small DOM helpers for the dialogs: element building, labelled fields with an error slot,
// and native modal <dialog>s that give focus back to where it came from when they close.

let seq = 0;
export function uid(prefix = "pf") {
  seq += 1;
  return `${prefix}-${seq}`;
}

const PROPS = new Set(["value", "checked", "hidden", "disabled", "readOnly", "selected", "type", "multiple"]);

/** h("button", {class: "x", "data-testid": "y", onclick: fn}, "text", child, ...) */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (PROPS.has(k)) el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function option(value, label, selected) {
  return h("option", { value, selected: value === selected }, label);
}

/**
 * A labelled control with an error slot: the label names the control (for/id), the error is
 * announced through aria-describedby and the control is marked aria-invalid while it shows.
 */
export function field(labelText, control, { testid, hint, className } = {}) {
  const id = uid("pf-field");
  control.id = id;
  if (testid) control.dataset.testid = testid;
  const error = h("div", {
    class: "pf-error",
    id: `${id}-error`,
    "data-testid": testid ? `${testid}-error` : undefined,
    hidden: true,
  });
  const described = [error.id];
  let hintEl = null;
  if (hint) {
    hintEl = h("div", { class: "pf-hint", id: `${id}-hint` }, hint);
    described.push(hintEl.id);
  }
  control.setAttribute("aria-describedby", described.join(" "));
  const wrap = h("div", { class: `pf-field ${className || ""}`.trim() }, h("label", { for: id }, labelText), control, hintEl, error);
  return { wrap, control, error };
}

/** Show (or clear, with no messages) a control's error. */
export function setError(control, error, messages) {
  if (messages && messages.length) {
    error.textContent = messages.join(" · ");
    error.hidden = false;
    control.setAttribute("aria-invalid", "true");
  } else {
    error.textContent = "";
    error.hidden = true;
    control.removeAttribute("aria-invalid");
  }
}

/**
 * A modal dialog appended to the body. Esc (the native cancel) and close() both close it; it
 * is then removed and focus returns to the element that had it before. `closed` resolves with
 * the value given to close() (undefined for Esc).
 */
export function openDialog({ title, testid, className = "", role = "dialog" }) {
  const opener = document.activeElement;
  const titleId = uid("pf-title");
  const heading = h("h2", { id: titleId, class: "pf-title" }, title);
  const body = h("div", { class: "pf-body" });
  const footer = h("div", { class: "pf-footer" });
  const dialog = h(
    "dialog",
    { class: `pf-dialog ${className}`.trim(), "aria-labelledby": titleId, "data-testid": testid, role: role === "dialog" ? undefined : role },
    heading,
    body,
    footer,
  );
  let result;
  let resolve;
  const closed = new Promise((r) => (resolve = r));
  dialog.addEventListener("close", () => {
    dialog.remove();
    if (opener && typeof opener.focus === "function" && document.contains(opener)) opener.focus();
    resolve(result);
  });
  document.body.append(dialog);
  dialog.showModal();
  return {
    dialog,
    heading,
    body,
    footer,
    closed,
    close(value) {
      result = value;
      if (dialog.open) dialog.close();
    },
  };
}

export function button(label, { testid, kind = "", onclick, type = "button", ...rest } = {}) {
  return h("button", { type, class: `pf-button ${kind}`.trim(), "data-testid": testid, onclick, ...rest }, label);
}

/** A form-level error region (role=alert: announced when it changes). */
export function alertBox(testid) {
  return h("div", { class: "pf-alert", role: "alert", "data-testid": testid, hidden: true });
}

export function showAlert(box, messages) {
  box.replaceChildren();
  const list = (messages || []).filter(Boolean);
  box.hidden = !list.length;
  if (list.length === 1) box.textContent = list[0];
  else if (list.length) append(box, [h("ul", {}, list.map((m) => h("li", {}, m)))]);
}

/** Every message of an error: its own and those of its causes. */
export function errorMessages(err) {
  if (!err) return [];
  const causes = err.causes || [];
  if (!causes.length) return [err.message || String(err)];
  // An Invalid message repeats its causes ("... is invalid: [a: x, b: y]"): keep the headline.
  const message = err.message || "";
  const cut = message.indexOf(" is invalid");
  const headline = cut >= 0 ? message.slice(0, cut + " is invalid".length) : message;
  return [headline, ...causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message))];
}
