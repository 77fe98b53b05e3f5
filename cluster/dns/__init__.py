"""The cluster DNS (discovery.md §3): records as CoreDNS's ``kubernetes`` plugin answers them,
served over UDP and TCP, and each pod's resolv.conf with the resolver's search-path expansion.

- :mod:`cluster.dns.index`    the in-memory view of the cluster the answers read (pure)
- :mod:`cluster.dns.zone`     the zone's configuration and the shape of an answer (pure)
- :mod:`cluster.dns.records`  question → answer, as CoreDNS (pure)
- :mod:`cluster.dns.config`   the zone configuration from Django settings / the environment
- :mod:`cluster.dns.follower` keeps an index current: a consistent snapshot, then the change log
- :mod:`cluster.dns.server`   the UDP/TCP server (asyncio + dnspython)
- :mod:`cluster.dns.resolv`   GetPodDNS and "resolve this name from this pod" (pure)
"""
