// View and edit any object as YAML (GET, then PUT the edited document), and import a
// multi-document YAML stream (POST /portolan/v1/apply) with its per-document report.

import { parseAllDocuments, stringify } from "yaml";

import { apiFor, resourcePath } from "../api.js";
import { alertBox, button, errorMessages, field, h, openDialog, option, setError, showAlert } from "./dom.js";
import { describeObject, showError } from "./dialogs.js";
import { defaultNamespace, namespaceChoices } from "./namespaces.js";

/** An object as the YAML a user edits: without managedFields (noise nobody edits by hand). */
export function toYaml(obj) {
  const copy = JSON.parse(JSON.stringify(obj));
  if (copy.metadata) delete copy.metadata.managedFields;
  return stringify(copy, { lineWidth: 0 });
}

/**
 * One YAML document as a JSON value, or {error} with a message that names the line.
 * Exactly one non-empty document is accepted.
 */
export function parseOne(text) {
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch (e) {
    return { error: e.message };
  }
  if (!Array.isArray(docs)) docs = [docs];
  const problems = docs.flatMap((d) => d.errors || []);
  if (problems.length) return { error: problems.map((e) => e.message.split("\n")[0]).join("; ") };
  const values = docs.map((d) => d.toJS()).filter((v) => v !== null && v !== undefined);
  if (values.length !== 1) return { error: `expected one document, found ${values.length}` };
  const value = values[0];
  if (typeof value !== "object" || Array.isArray(value)) return { error: "the document is not an object" };
  return { value };
}

export async function openYaml(ctx, { kind, namespace, name }) {
  const api = apiFor(ctx.boot);
  const path = resourcePath(kind, namespace, name);
  let obj;
  try {
    obj = await api.get(path);
  } catch (err) {
    await showError(`Could not read ${describeObject(kind, namespace, name)}`, err);
    return null;
  }
  const mayWrite = !!ctx?.boot?.mayWrite;
  const dlg = openDialog({ title: `${kind} ${namespace ? namespace + "/" : ""}${name}`, testid: "yaml-dialog", className: "pf-wide" });
  const text = h("textarea", { class: "pf-code", spellcheck: "false", rows: "24", readOnly: !mayWrite, wrap: "off" });
  text.value = toYaml(obj);
  const f = field(mayWrite ? "YAML (edit and save)" : "YAML (read only)", text, { testid: "yaml-text" });
  const alert = alertBox("yaml-error");
  const form = h("form", { class: "pf-form", novalidate: true }, f.wrap, alert);
  const save = button("Save", { testid: "yaml-save", kind: "pf-primary", type: "submit", hidden: !mayWrite });
  const close = button(mayWrite ? "Cancel" : "Close", { testid: "yaml-close", onclick: () => dlg.close(null) });
  const reload = button("Reload (drops your edits)", {
    testid: "yaml-reload",
    hidden: true,
    onclick: async () => {
      try {
        text.value = toYaml(await api.get(path));
        reload.hidden = true;
        showAlert(alert, []);
        text.focus();
      } catch (err) {
        showAlert(alert, errorMessages(err));
      }
    },
  });
  form.id = `${dlg.heading.id}-form`;
  save.setAttribute("form", form.id);
  dlg.body.append(form);
  dlg.footer.append(reload, close, save);
  text.focus();
  text.setSelectionRange(0, 0);
  text.scrollTop = 0;

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!mayWrite) return;
    const parsed = parseOne(text.value);
    if (parsed.error) {
      setError(text, f.error, [`Not valid YAML: ${parsed.error}`]);
      showAlert(alert, []);
      text.focus();
      return;
    }
    setError(text, f.error, null);
    save.disabled = true;
    try {
      const saved = await api.put(path, { json: parsed.value });
      dlg.close(saved);
    } catch (err) {
      const conflict = err.status === 409 && err.reason === "Conflict";
      showAlert(alert, conflict ? [...errorMessages(err), "It changed since it was loaded: reload it, then make your edits again."] : errorMessages(err));
      reload.hidden = !conflict;
      text.focus();
    } finally {
      save.disabled = false;
    }
  });
  return dlg.closed;
}

// --- import ----------------------------------------------------------------------------------

export const RESULT_TEXT = {
  created: "created",
  configured: "configured",
  unchanged: "unchanged",
  skipped: "skipped",
  invalid: "invalid",
};

/** The report's one-line summary: "3 created, 1 invalid (dry run)". */
export function summarizeReport(report) {
  const parts = Object.entries(report.summary || {})
    .filter(([, n]) => n > 0)
    .map(([result, n]) => `${n} ${RESULT_TEXT[result] || result}`);
  const text = parts.length ? parts.join(", ") : "no documents";
  return report.dryRun ? `${text} (dry run: nothing was written)` : text;
}

/** A report line; an invalid one whose causes are listed below it keeps only its headline. */
export function headline(item) {
  const causes = item.status?.details?.causes || [];
  const message = item.message || "";
  const cut = message.indexOf(" is invalid: ");
  return causes.length && cut >= 0 ? message.slice(0, cut + " is invalid".length) : message;
}

export async function openImport(ctx) {
  const api = apiFor(ctx.boot);
  const dlg = openDialog({ title: "Import YAML", testid: "import-dialog", className: "pf-wide" });
  const text = h("textarea", { class: "pf-code", spellcheck: "false", rows: "16", wrap: "off", placeholder: "apiVersion: v1\nkind: Service\n...\n---\napiVersion: apps/v1\nkind: Deployment\n..." });
  const fText = field("Manifests (one or more YAML documents separated by ---)", text, { testid: "import-text" });
  const file = h("input", { type: "file", accept: ".yaml,.yml,.json,application/yaml,application/json,text/yaml" });
  const fFile = field("…or upload a file", file, { testid: "import-file" });
  const ns = h("select", {}, namespaceChoices(ctx).map((n) => option(n, n, defaultNamespace(ctx))));
  const fNs = field("Namespace for documents that name none", ns, { testid: "import-namespace" });
  const dry = h("input", { type: "checkbox" });
  dry.dataset.testid = "import-dry-run";
  const dryLabel = h("label", { class: "pf-check" }, dry, " Dry run (validate only, write nothing)");
  const alert = alertBox("import-error");
  const report = h("section", { class: "pf-report", "aria-live": "polite", "data-testid": "import-report", hidden: true });
  const form = h("form", { class: "pf-form", novalidate: true }, fText.wrap, h("div", { class: "pf-grid" }, fFile.wrap, fNs.wrap), dryLabel, alert, report);
  const apply = button("Apply", { testid: "import-apply", kind: "pf-primary", type: "submit" });
  const close = button("Close", { testid: "import-close", onclick: () => dlg.close(lastReport) });
  form.id = `${dlg.heading.id}-form`;
  apply.setAttribute("form", form.id);
  dlg.body.append(form);
  dlg.footer.append(close, apply);
  text.focus();
  let lastReport = null;

  file.addEventListener("change", async () => {
    const chosen = file.files && file.files[0];
    if (!chosen) return;
    text.value = await chosen.text();
    setError(text, fText.error, null);
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!text.value.trim()) {
      setError(text, fText.error, ["Paste manifests or choose a file."]);
      text.focus();
      return;
    }
    setError(text, fText.error, null);
    showAlert(alert, []);
    apply.disabled = true;
    try {
      lastReport = await api.post("/portolan/v1/apply", {
        yaml: text.value,
        query: { dryRun: dry.checked ? "All" : "", namespace: ns.value },
      });
      renderReport(lastReport);
    } catch (err) {
      report.hidden = true;
      showAlert(alert, errorMessages(err));
    } finally {
      apply.disabled = false;
    }
  });

  function renderReport(r) {
    report.replaceChildren(
      h("h3", {}, "Report"),
      h("p", { "data-testid": "import-summary" }, summarizeReport(r)),
      h(
        "table",
        { class: "pf-table" },
        h("thead", {}, h("tr", {}, ["#", "Object", "Result", "Message"].map((t) => h("th", { scope: "col" }, t)))),
        h(
          "tbody",
          {},
          r.items.map((item, i) =>
            h(
              "tr",
              { "data-testid": `import-row-${i}`, "data-result": item.result, class: `pf-result-${item.result}` },
              h("td", {}, String(item.document)),
              h("th", { scope: "row" }, [item.kind, [item.namespace, item.name].filter(Boolean).join("/")].filter(Boolean).join(" ") || "—"),
              h("td", {}, h("span", { class: `pf-badge pf-${item.result}` }, RESULT_TEXT[item.result] || item.result)),
              h(
                "td",
                {},
                headline(item),
                item.status && item.status.details && (item.status.details.causes || []).length
                  ? h("ul", { class: "pf-causes" }, item.status.details.causes.map((c) => h("li", {}, `${c.field ? c.field + ": " : ""}${c.message}`)))
                  : null,
              ),
            ),
          ),
        ),
      ),
    );
    report.hidden = false;
    report.scrollIntoView({ block: "nearest" });
  }
  return dlg.closed;
}
