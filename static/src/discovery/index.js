/**
 * discovery/ — the browser side of issue 5: how a pod finds a Service and where its traffic goes.
 *
 *   const discovery = new Discovery({ boot, store, graph, host, view, goTo, onLayout });
 *   discovery.attach(panel, item)     after the details panel drew `item` (a View node or edge, or
 *                                     null): pods get DNS + environment sections, Services
 *                                     kube-proxy + environment; the sections keep their state
 *                                     while the same item stays selected and reload when it changes
 *   discovery.openTraffic({ source: {kind, pod}, service: {namespace, name}, opener })
 *   discovery.traffic.result          the last TrafficSimulation shown
 *
 * Server side: cluster/api/traffic.py (traffic, proxyrules, environment) and
 * cluster/api/dnsview.py (resolvconf, resolve).
 *
 * DATA-TESTID
 *   details panel:  discovery (section; data-for = pod:<ns>/<name> | svc:<ns>/<name>)
 *     pod:          send-traffic-from, pod-dns (a <details>; data-loaded, aria-busy),
 *                   pod-resolv-conf (<pre>), dns-resolve-form, dns-name, dns-type (select:
 *                   A AAAA SRV CNAME PTR TXT SOA NS), dns-resolve, dns-name-error, dns-type-error,
 *                   dns-result (data-name), dns-explain, dns-try (data-name = FQDN tried,
 *                   data-rcode), dns-answer (data-resolved = true|false), dns-error,
 *                   pod-env, pod-env-warnings, pod-env-table (data-container), pod-env-table-var
 *                   (data-name), pod-env-missing (data-service), pod-env-missing-table
 *     service:      send-traffic-to, proxy-rules, proxy-rules-summary, proxy-rules-reason,
 *                   proxy-port (data-port = "8080/TCP"), proxy-entry (data-type = ClusterIP |
 *                   NodePort | LoadBalancer | ExternalIP), proxy-verdict (data-action = DNAT |
 *                   REJECT | DROP), proxy-endpoint (data-pod, data-probability), proxy-health,
 *                   service-env, service-env-applies, service-env-table, service-env-table-var
 *     every section: <testid>-reload, <testid>-error (a Status, data-status = HTTP code)
 *   traffic panel:  traffic-dialog (non-modal <dialog>), traffic-close, traffic-form,
 *                   traffic-source-kind (pod | node | external), traffic-source-pod (value
 *                   "ns/name"), traffic-source-node, traffic-source-ip, traffic-source-error,
 *                   traffic-destination, traffic-port, traffic-protocol, traffic-count,
 *                   traffic-seed (each with <testid>-error), traffic-error, traffic-run,
 *                   traffic-replay, traffic-result, traffic-summary, traffic-dns,
 *                   traffic-distribution, traffic-endpoint (data-pod, data-address, data-count),
 *                   traffic-failures, traffic-failure (data-outcome, data-count), traffic-paths,
 *                   traffic-path (data-outcome, data-count)
 *   graph:          data-trace = running | shown on the graph container while a path is marked
 *                   (graph.highlightPath); marked elements have classes trace-node / trace-edge
 */
// (discovery.css is imported by main.js, so it is part of the page's one stylesheet)

import { discoveryApi } from "./api.js";
import { podSections, serviceSections } from "./sections.js";
import { TrafficPanel } from "./traffic.js";

const REFRESH_MS = 400;

export class Discovery {
  constructor({ boot, store, graph, host, view, goTo, onLayout }) {
    this.api = discoveryApi(boot);
    this.store = store;
    this.current = null; // {key, el, sections}
    this.traffic = new TrafficPanel({ api: this.api, store, graph, host, view, goTo, onLayout });
  }

  attach(panel, item) {
    const key = item && !item.source && (item.type === "pod" || item.type === "service") ? item.id : null;
    if (!key) {
      this.drop();
      return;
    }
    if (this.current && this.current.key === key) {
      // the same object, redrawn because it changed: reload what the server computes from it
      clearTimeout(this.current.timer);
      const cur = this.current;
      cur.timer = setTimeout(() => {
        for (const s of cur.sections) s.reload();
      }, REFRESH_MS);
    } else {
      this.drop();
      const ref = { namespace: item.namespace, name: item.name };
      const built =
        item.type === "pod"
          ? podSections(this.api, ref, {
              onSendTraffic: (opener) => this.openTraffic({ source: { kind: "pod", pod: `${ref.namespace}/${ref.name}` }, opener }),
            })
          : serviceSections(this.api, ref, {
              onSendTraffic: (opener) => this.openTraffic({ service: ref, opener }),
            });
      this.current = { key, ...built, timer: 0 };
      for (const s of built.sections) s.reload();
    }
    if (this.current.el.parentNode !== panel) panel.append(this.current.el);
  }

  drop() {
    if (!this.current) return;
    clearTimeout(this.current.timer);
    for (const s of this.current.sections) s.abort();
    this.current.el.remove();
    this.current = null;
  }

  openTraffic(opts) {
    this.traffic.open(opts);
  }
}
