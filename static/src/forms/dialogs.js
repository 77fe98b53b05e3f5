// Small dialogs: delete confirmation, the scale prompt, and the error report an action shows
// when the server refuses it.

import { apiFor, resourcePath } from "../api.js";
import { alertBox, append, button, errorMessages, field, h, openDialog, setError, showAlert } from "./dom.js";

const NOUNS = {
  Service: "service",
  Pod: "pod",
  Deployment: "deployment",
  StatefulSet: "stateful set",
  Node: "node",
};

export function describeObject(kind, namespace, name) {
  const noun = NOUNS[kind] || kind;
  return namespace ? `${noun} ${namespace}/${name}` : `${noun} ${name}`;
}

/** Ask before deleting; resolves true when the user confirms. Cancel has the focus. */
export async function confirmDelete(ctx, { kind, namespace, name }) {
  const what = describeObject(kind, namespace, name);
  const dlg = openDialog({ title: `Delete ${what}?`, testid: "confirm-dialog", role: "alertdialog", className: "pf-small" });
  dlg.body.append(h("p", { class: "pf-text" }, `The ${what} will be deleted. This cannot be undone.`));
  const cancel = button("Cancel", { testid: "confirm-cancel", onclick: () => dlg.close(false) });
  const ok = button("Delete", { testid: "confirm-ok", kind: "pf-danger", onclick: () => dlg.close(true) });
  dlg.footer.append(cancel, ok);
  cancel.focus();
  return (await dlg.closed) === true;
}

/** Confirm, then DELETE. Resolves true when deleted (errors are shown, not thrown). */
export async function deleteWithConfirmation(ctx, { kind, namespace, name }) {
  if (!(await confirmDelete(ctx, { kind, namespace, name }))) return false;
  try {
    await apiFor(ctx.boot).delete(resourcePath(kind, namespace, name));
    return true;
  } catch (err) {
    await showError(`Could not delete the ${describeObject(kind, namespace, name)}`, err);
    return false;
  }
}

/** A modal report of a failed action. */
export async function showError(title, err) {
  const dlg = openDialog({ title, testid: "action-error", role: "alertdialog", className: "pf-small" });
  const messages = errorMessages(err);
  append(dlg.body, [
    h("p", { class: "pf-text", "data-testid": "action-error-message" }, messages[0] || "Unknown error"),
    messages.length > 1 ? h("ul", { class: "pf-causes" }, messages.slice(1).map((m) => h("li", {}, m))) : null,
  ]);
  const close = button("Close", { testid: "action-error-close", onclick: () => dlg.close() });
  dlg.footer.append(close);
  close.focus();
  await dlg.closed;
}

/** Scale a Deployment or StatefulSet through its scale subresource (merge patch). */
export async function openScale(ctx, { kind, namespace, name }) {
  const api = apiFor(ctx.boot);
  const path = resourcePath(kind, namespace, name, "scale");
  let current;
  try {
    current = await api.get(path);
  } catch (err) {
    await showError(`Could not read the scale of ${describeObject(kind, namespace, name)}`, err);
    return null;
  }
  const dlg = openDialog({ title: `Scale ${describeObject(kind, namespace, name)}`, testid: "scale-dialog", className: "pf-small" });
  const input = h("input", { type: "number", min: "0", step: "1", value: String(current?.spec?.replicas ?? 0), required: true });
  const f = field("Replicas", input, { testid: "scale-replicas", hint: `Now ${current?.status?.replicas ?? 0} running.` });
  const alert = alertBox("scale-error");
  const form = h("form", { class: "pf-form", novalidate: true }, f.wrap, alert);
  const ok = button("Scale", { testid: "scale-ok", kind: "pf-primary", type: "submit" });
  const cancel = button("Cancel", { testid: "scale-cancel", onclick: () => dlg.close(null) });
  form.append(h("div", { class: "pf-footer" }, cancel, ok));
  dlg.body.append(form);
  dlg.footer.remove();
  input.focus();
  input.select();
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!/^\d+$/.test(text)) {
      setError(input, f.error, ["Enter a whole number, 0 or more."]);
      input.focus();
      return;
    }
    ok.disabled = true;
    try {
      const scale = await api.patch(path, { json: { spec: { replicas: Number(text) } } });
      dlg.close(scale);
    } catch (err) {
      const onField = (err.causes || []).filter((c) => c.field === "spec.replicas").map((c) => c.message);
      setError(input, f.error, onField);
      showAlert(alert, onField.length ? [] : errorMessages(err));
      input.focus();
    } finally {
      ok.disabled = false;
    }
  });
  return dlg.closed;
}
