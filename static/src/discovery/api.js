// The data-path endpoints beside the Kubernetes API (cluster/api/traffic.py, dnsview.py).

import { apiFor } from "../api.js";

const enc = encodeURIComponent;
const ns = (namespace) => `/portolan/v1/namespaces/${enc(namespace)}`;

export const paths = {
  podEnvironment: (namespace, name) => `${ns(namespace)}/pods/${enc(name)}/environment`,
  serviceEnvironment: (namespace, name) => `${ns(namespace)}/services/${enc(name)}/environment`,
  proxyRules: (namespace, name) => `${ns(namespace)}/services/${enc(name)}/proxyrules`,
  resolvConf: (namespace, name) => `${ns(namespace)}/pods/${enc(name)}/resolvconf`,
  resolve: (namespace, name) => `${ns(namespace)}/pods/${enc(name)}/resolve`,
  traffic: () => "/portolan/v1/traffic",
};

export function discoveryApi(boot) {
  const api = apiFor(boot);
  return {
    podEnvironment: (n, name, opts) => api.get(paths.podEnvironment(n, name), opts),
    serviceEnvironment: (n, name, opts) => api.get(paths.serviceEnvironment(n, name), opts),
    proxyRules: (n, name, opts) => api.get(paths.proxyRules(n, name), opts),
    resolvConf: (n, name, opts) => api.get(paths.resolvConf(n, name), opts),
    resolve: (n, name, query, type, opts) => api.get(paths.resolve(n, name), { ...opts, query: { name: query, type } }),
    traffic: (body, opts) => api.post(paths.traffic(), { ...opts, json: body }),
  };
}
