// The service form (create and edit) with its live preview: while the user types, the body the
// form would send is previewed by the server (POST /portolan/v1/namespaces/{ns}/servicepreview):
// the pods the selector matches, the endpoints that would result per port, and the field
// errors validation would raise. Saving POSTs (create) or PUTs (edit) to /api/v1.

import { apiFor, errorFromResponse, resourcePath } from "../api.js";
import { alertBox, button, errorMessages, field, h, openDialog, option, setError, showAlert } from "./dom.js";
import { confirmDelete, showError } from "./dialogs.js";
import { defaultNamespace, namespaceChoices } from "./namespaces.js";
import { showPreview } from "./service-preview.js";
import {
  POLICIES,
  PROTOCOLS,
  emptyForm,
  editPatch,
  emptyPort,
  formToService,
  mapCauses,
  serviceToForm,
  setField,
  visibleFields,
} from "./service-model.js";

export const PREVIEW_DELAY_MS = 250;

const TYPE_LABELS = {
  ClusterIP: "ClusterIP",
  Headless: "Headless (ClusterIP None)",
  NodePort: "NodePort",
  LoadBalancer: "LoadBalancer",
  ExternalName: "ExternalName",
};
const MODE_LABELS = { auto: "Automatic", None: "None (headless)", given: "Given address" };

export async function openServiceForm(ctx, { namespace, name } = {}) {
  const api = apiFor(ctx.boot);
  let original = null;
  if (name) {
    try {
      original = await api.get(resourcePath("Service", namespace, name));
    } catch (err) {
      await showError(`Could not open service ${namespace}/${name}`, err);
      return null;
    }
  }
  const editing = original !== null;
  const mayWrite = !!ctx?.boot?.mayWrite;
  let state = editing ? serviceToForm(original) : emptyForm(namespace || defaultNamespace(ctx));

  const dlg = openDialog({
    title: editing ? `Service ${namespace}/${name}` : "New service",
    testid: "service-form",
    className: "pf-wide",
  });

  // --- controls ------------------------------------------------------------------------------
  const controls = new Map(); // field key -> {control, error, wrap}
  const touched = new Set();
  let submitted = false;
  let lastCauses = { fields: {}, form: [] };

  function register(key, f) {
    controls.set(key, f);
    return f;
  }
  function touch(key) {
    touched.add(key);
  }

  const nameInput = h("input", { type: "text", value: state.name, autocomplete: "off", spellcheck: "false", readOnly: editing });
  const nsSelect = h("select", { disabled: editing }, namespaceChoices(ctx, state.namespace).map((n) => option(n, n, state.namespace)));
  const typeSelect = h("select", {}, Object.entries(TYPE_LABELS).map(([v, l]) => option(v, l, state.type)));
  const modeSelect = h("select", {}, Object.entries(MODE_LABELS).map(([v, l]) => option(v, l, state.clusterIPMode)));
  const ipInput = h("input", { type: "text", value: state.clusterIP, placeholder: "10.96.0.50", spellcheck: "false" });
  const extInput = h("input", { type: "text", value: state.externalName, placeholder: "db.example.com", spellcheck: "false" });
  const affinitySelect = h("select", {}, ["None", "ClientIP"].map((v) => option(v, v, state.sessionAffinity)));
  const timeoutInput = h("input", { type: "number", min: "1", max: "86400", value: state.sessionAffinityTimeout, placeholder: "10800" });
  const etpSelect = h("select", {}, POLICIES.map((v) => option(v, v, state.externalTrafficPolicy)));
  const itpSelect = h("select", {}, POLICIES.map((v) => option(v, v, state.internalTrafficPolicy)));

  const fName = register("name", field("Name", nameInput, { testid: "svc-name" }));
  const fNs = register("namespace", field("Namespace", nsSelect, { testid: "svc-namespace" }));
  const fType = register("type", field("Type", typeSelect, { testid: "svc-type" }));
  const fMode = register("clusterIPMode", field("Cluster IP", modeSelect, { testid: "svc-clusterip-mode" }));
  const fIp = register("clusterIP", field("Cluster IP address", ipInput, { testid: "svc-clusterip" }));
  const fExt = register("externalName", field("External name", extInput, { testid: "svc-external-name", hint: "A DNS name; the service's DNS record points at it." }));
  const fAff = register("sessionAffinity", field("Session affinity", affinitySelect, { testid: "svc-session-affinity" }));
  const fTimeout = register("sessionAffinityTimeout", field("Affinity timeout (s)", timeoutInput, { testid: "svc-session-timeout" }));
  const fEtp = register("externalTrafficPolicy", field("External traffic policy", etpSelect, { testid: "svc-etp" }));
  const fItp = register("internalTrafficPolicy", field("Internal traffic policy", itpSelect, { testid: "svc-itp" }));

  const bindText = (key, control, event = "input") =>
    control.addEventListener(event, () => {
      state = setField(state, key, control.value);
      touch(key);
      changed();
    });
  bindText("name", nameInput);
  bindText("namespace", nsSelect, "change");
  bindText("clusterIP", ipInput);
  bindText("externalName", extInput);
  bindText("sessionAffinity", affinitySelect, "change");
  bindText("sessionAffinityTimeout", timeoutInput);
  bindText("externalTrafficPolicy", etpSelect, "change");
  bindText("internalTrafficPolicy", itpSelect, "change");
  for (const [key, control] of [
    ["type", typeSelect],
    ["clusterIPMode", modeSelect],
  ]) {
    control.addEventListener("change", () => {
      state = setField(state, key, control.value);
      typeSelect.value = state.type; // type and cluster IP mode move together (headless)
      modeSelect.value = state.clusterIPMode;
      touch(key);
      changed();
    });
  }

  // Selector rows.
  const selectorBody = h("div", { class: "pf-rows", role: "group" });
  const selectorError = h("div", { class: "pf-error", "data-testid": "svc-selector-error", hidden: true, id: "pf-selector-error" });
  const selectorAdd = button("Add label", { testid: "svc-selector-add", kind: "pf-ghost", onclick: () => addSelectorRow() });
  const selectorSection = h(
    "fieldset",
    { class: "pf-fieldset", "aria-describedby": selectorError.id },
    h("legend", {}, "Selector"),
    h("div", { class: "pf-hint" }, "The labels a pod must carry to be selected."),
    selectorBody,
    selectorError,
    selectorAdd,
  );
  const selectorGroup = { control: selectorSection, error: selectorError, wrap: selectorSection };

  function renderSelector(focusIndex = -1) {
    selectorBody.replaceChildren();
    state.selector.forEach((row, i) => {
      const key = h("input", { type: "text", value: row.key, placeholder: "app", spellcheck: "false", "data-testid": `svc-selector-key-${i}`, "aria-label": `Selector ${i + 1} key` });
      const value = h("input", { type: "text", value: row.value, placeholder: "web", spellcheck: "false", "data-testid": `svc-selector-value-${i}`, "aria-label": `Selector ${i + 1} value` });
      const remove = button("Remove", {
        testid: `svc-selector-remove-${i}`,
        kind: "pf-ghost pf-remove",
        "aria-label": `Remove selector ${i + 1}`,
        onclick: () => {
          state = { ...state, selector: state.selector.filter((_, j) => j !== i) };
          touch("selector");
          renderSelector();
          (selectorBody.querySelector(`[data-testid="svc-selector-key-${Math.min(i, state.selector.length - 1)}"]`) || selectorAdd).focus();
          changed();
        },
      });
      for (const [input, prop] of [
        [key, "key"],
        [value, "value"],
      ]) {
        input.setAttribute("aria-describedby", selectorError.id);
        input.addEventListener("input", () => {
          const rows = state.selector.slice();
          rows[i] = { ...rows[i], [prop]: input.value };
          state = { ...state, selector: rows };
          touch("selector");
          changed();
        });
      }
      selectorBody.append(h("div", { class: "pf-row pf-selector-row" }, key, h("span", { "aria-hidden": "true" }, "="), value, remove));
      if (i === focusIndex) queueMicrotask(() => key.focus());
    });
    lockIfReadOnly(selectorSection);
  }
  function addSelectorRow() {
    state = { ...state, selector: [...state.selector, { key: "", value: "" }] };
    renderSelector(state.selector.length - 1);
    changed();
  }

  // Port rows.
  const portsBody = h("div", { class: "pf-rows" });
  const portsError = h("div", { class: "pf-error", "data-testid": "svc-ports-error", hidden: true, id: "pf-ports-error" });
  const portsAdd = button("Add port", { testid: "svc-port-add", kind: "pf-ghost", onclick: () => addPortRow() });
  const portsSection = h(
    "fieldset",
    { class: "pf-fieldset", "aria-describedby": portsError.id },
    h("legend", {}, "Ports"),
    h("div", { class: "pf-hint" }, "Target port: a number, or the name of a container port."),
    portsBody,
    portsError,
    portsAdd,
  );
  const portsGroup = { control: portsSection, error: portsError, wrap: portsSection };

  function renderPorts(focusIndex = -1) {
    for (const key of [...controls.keys()]) if (key.startsWith("ports.")) controls.delete(key);
    portsBody.replaceChildren();
    const vis = visibleFields(state);
    state.ports.forEach((row, i) => {
      const n = i + 1;
      const inputs = {
        name: h("input", { type: "text", value: row.name, placeholder: "http", spellcheck: "false" }),
        protocol: h("select", {}, PROTOCOLS.map((p) => option(p, p, row.protocol))),
        port: h("input", { type: "number", min: "1", max: "65535", value: row.port, placeholder: "80" }),
        targetPort: h("input", { type: "text", value: row.targetPort, placeholder: "8080 or http", spellcheck: "false" }),
        nodePort: h("input", { type: "number", min: "1", max: "65535", value: row.nodePort, placeholder: "auto" }),
      };
      const labels = { name: "Name", protocol: "Protocol", port: "Port", targetPort: "Target port", nodePort: "Node port" };
      const testids = { name: "name", protocol: "protocol", port: "port", targetPort: "target", nodePort: "nodeport" };
      const cells = [];
      for (const [prop, input] of Object.entries(inputs)) {
        const f = field(`${labels[prop]}`, input, { testid: `svc-port-${testids[prop]}-${i}`, className: `pf-cell pf-cell-${prop}` });
        input.setAttribute("aria-label", `Port ${n} ${labels[prop].toLowerCase()}`);
        register(`ports.${i}.${prop}`, f);
        if (prop === "nodePort") f.wrap.hidden = !vis.nodePort;
        const event = input.tagName === "SELECT" ? "change" : "input";
        input.addEventListener(event, () => {
          const rows = state.ports.slice();
          rows[i] = { ...rows[i], [prop]: input.value };
          state = { ...state, ports: rows };
          touch(`ports.${i}.${prop}`);
          changed();
        });
        cells.push(f.wrap);
      }
      const remove = button("Remove", {
        testid: `svc-port-remove-${i}`,
        kind: "pf-ghost pf-remove",
        "aria-label": `Remove port ${n}`,
        onclick: () => {
          state = { ...state, ports: state.ports.filter((_, j) => j !== i) };
          touch("ports");
          renderPorts();
          (portsBody.querySelector(`[data-testid="svc-port-name-${Math.min(i, state.ports.length - 1)}"]`) || portsAdd).focus();
          changed();
        },
      });
      portsBody.append(h("div", { class: "pf-row pf-port-row", role: "group", "aria-label": `Port ${n}` }, cells, remove));
      if (i === focusIndex) queueMicrotask(() => inputs.name.focus());
    });
    lockIfReadOnly(portsSection);
    showErrors();
  }
  function addPortRow() {
    state = { ...state, ports: [...state.ports, emptyPort()] };
    renderPorts(state.ports.length - 1);
    changed();
  }

  /** Without write access the form only shows the service (and its preview). */
  function lockIfReadOnly(root) {
    if (mayWrite) return;
    for (const el of root.querySelectorAll("input, select, button")) {
      if (el.tagName === "BUTTON") el.hidden = true;
      else if (el.tagName === "INPUT") el.readOnly = true;
      else el.disabled = true;
    }
  }

  // --- preview panel -----------------------------------------------------------------------
  const previewStatus = h("p", { class: "pf-preview-status", "aria-live": "polite", "data-testid": "svc-preview-status" }, "");
  const previewBody = h("div", { class: "pf-preview-body" });
  const preview = h("section", { class: "pf-preview", "aria-label": "Preview", "data-testid": "svc-preview" }, h("h3", {}, "What it would select"), previewStatus, previewBody);

  const renderPreview = (p) => showPreview(previewBody, previewStatus, p);

  // --- errors ------------------------------------------------------------------------------
  const formAlert = alertBox("svc-form-error");

  function showErrors() {
    // Errors show on fields the user has worked on (a port row counts as one), all after a save.
    const row = (key) => /^ports\.\d+\./.exec(key)?.[0];
    const touchedRows = new Set([...touched].map(row).filter(Boolean));
    const shown = (key) => submitted || touched.has(key) || touched.has("ports") && key.startsWith("ports.") || touchedRows.has(row(key));
    for (const [key, f] of controls) setError(f.control, f.error, shown(key) ? lastCauses.fields[key] : null);
    setError(selectorGroup.control, selectorGroup.error, shown("selector") ? lastCauses.fields.selector : null);
    setError(portsGroup.control, portsGroup.error, shown("ports") ? lastCauses.fields.ports : null);
    showAlert(formAlert, submitted || touched.size ? lastCauses.form : []);
  }

  function applyVisibility() {
    const vis = visibleFields(state);
    fMode.wrap.hidden = !vis.clusterIPMode;
    fIp.wrap.hidden = !vis.clusterIP;
    fExt.wrap.hidden = !vis.externalName;
    selectorSection.hidden = !vis.selector;
    fAff.wrap.hidden = !vis.sessionAffinity;
    fTimeout.wrap.hidden = !vis.sessionAffinityTimeout;
    fEtp.wrap.hidden = !vis.externalTrafficPolicy;
    fItp.wrap.hidden = !vis.internalTrafficPolicy;
    for (const [key, f] of controls) if (key.endsWith(".nodePort")) f.wrap.hidden = !vis.nodePort;
    portsSection.classList.toggle("pf-with-nodeports", vis.nodePort);
  }

  // --- preview requests --------------------------------------------------------------------
  let timer = null;
  let inflight = null;
  let seq = 0;

  function changed() {
    applyVisibility();
    clearTimeout(timer);
    timer = setTimeout(runPreview, PREVIEW_DELAY_MS);
  }

  async function runPreview() {
    if (!dlg.dialog.isConnected) return;
    const mine = ++seq;
    if (inflight) inflight.abort();
    inflight = new AbortController();
    const { body, portRows } = formToService(state, original);
    // An edit is saved as a merge patch (no resourceVersion): preview it against the current
    // object rather than fail on a version a controller has moved on since.
    if (body.metadata) delete body.metadata.resourceVersion;
    previewStatus.textContent = "Checking…";
    preview.setAttribute("aria-busy", "true");
    try {
      const p = await api.post(`/portolan/v1/namespaces/${encodeURIComponent(state.namespace)}/servicepreview`, {
        json: body,
        query: { operation: editing ? "update" : "create" },
        signal: inflight.signal,
      });
      if (mine !== seq) return;
      renderPreview(p);
      lastCauses = p.status ? mapCauses(errorFromResponse(p.status.code, "", p.status), state, portRows) : { fields: {}, form: [] };
      showErrors();
    } catch (err) {
      if (err.name === "AbortError" || mine !== seq) return;
      previewStatus.textContent = `No preview: ${err.message}`;
    } finally {
      if (mine === seq) preview.removeAttribute("aria-busy");
    }
  }

  // --- layout ------------------------------------------------------------------------------
  const saveButton = button(editing ? "Save" : "Create", { testid: "svc-save", kind: "pf-primary", type: "submit", hidden: !mayWrite });
  const cancelButton = button(mayWrite ? "Cancel" : "Close", { testid: "svc-cancel", onclick: () => dlg.close(null) });
  const deleteButton =
    editing && mayWrite
      ? button("Delete…", {
          testid: "svc-delete",
          kind: "pf-danger pf-left",
          onclick: async () => {
            if (!(await confirmDelete(ctx, { kind: "Service", namespace, name }))) return;
            try {
              await api.delete(resourcePath("Service", namespace, name));
              dlg.close(null);
            } catch (err) {
              showAlert(formAlert, errorMessages(err));
            }
          },
        })
      : null;

  const formEl = h(
    "form",
    { class: "pf-form pf-service-form", novalidate: true },
    h("div", { class: "pf-grid" }, fName.wrap, fNs.wrap, fType.wrap, fMode.wrap, fIp.wrap, fExt.wrap),
    selectorSection,
    portsSection,
    h("div", { class: "pf-grid" }, fAff.wrap, fTimeout.wrap, fEtp.wrap, fItp.wrap),
    formAlert,
  );
  const columns = h("div", { class: "pf-columns" }, formEl, preview);
  dlg.body.append(columns);
  lockIfReadOnly(formEl);
  dlg.footer.append(...[deleteButton, cancelButton, saveButton].filter(Boolean));
  // The footer's submit button belongs to the form.
  formEl.id = `${dlg.dialog.querySelector("h2").id}-form`;
  saveButton.setAttribute("form", formEl.id);


  formEl.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!mayWrite) return;
    clearTimeout(timer);
    submitted = true;
    saveButton.disabled = true;
    dlg.dialog.setAttribute("aria-busy", "true");
    let portRows = null;
    try {
      let saved;
      if (editing) {
        // Only what the user changed, as a merge patch: changes made meanwhile elsewhere stay.
        const edit = editPatch(state, original);
        portRows = edit.portRows;
        saved = Object.keys(edit.patch).length
          ? await api.patch(resourcePath("Service", state.namespace, state.name), { json: edit.patch })
          : original;
      } else {
        const create = formToService(state, null);
        portRows = create.portRows;
        saved = await api.post(resourcePath("Service", state.namespace), { json: create.body });
      }
      dlg.close(saved);
    } catch (err) {
      lastCauses = mapCauses(err, state, portRows);
      showErrors();
      focusFirstError();
    } finally {
      saveButton.disabled = false;
      dlg.dialog.removeAttribute("aria-busy");
    }
  });

  function focusFirstError() {
    const invalid = formEl.querySelector('[aria-invalid="true"]:not([hidden])');
    if (invalid && typeof invalid.focus === "function") {
      if (invalid.tagName === "FIELDSET") (invalid.querySelector("input, select") || invalid).focus();
      else invalid.focus();
    } else if (!formAlert.hidden) {
      formAlert.setAttribute("tabindex", "-1");
      formAlert.focus();
    }
  }

  renderSelector();
  renderPorts();
  applyVisibility();
  if (mayWrite) (editing ? typeSelect : nameInput).focus();
  else cancelButton.focus();
  runPreview();
  const result = await dlg.closed;
  clearTimeout(timer);
  if (inflight) inflight.abort();
  return result ?? null;
}

