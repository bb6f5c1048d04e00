"""The host names ``deepcourse serve --host H`` must accept (Django's ``ALLOWED_HOSTS``).

Django refuses a request whose ``Host`` header is not allowed (400 Bad Request). The settings
allow localhost plus ``DEEPCOURSE_ALLOWED_HOSTS``; ``serve`` adds the host it was given, and
for ``0.0.0.0`` / ``::`` (every interface) this machine's name and its interface addresses, so
other machines can reach it by address. Other names (a DNS alias, a proxy) go in
``DEEPCOURSE_ALLOWED_HOSTS``. Everything here is read locally: no DNS lookup.
"""

from __future__ import annotations

import fcntl
import ipaddress
import socket
import struct
from pathlib import Path

_SIOCGIFADDR = 0x8915
EVERY_INTERFACE = ("0.0.0.0", "::", "")


def served_hosts(host: str) -> list[str]:
    """The ``ALLOWED_HOSTS`` entries that serving on ``host`` needs (IPv6 in brackets)."""
    if host in EVERY_INTERFACE:
        names = [socket.gethostname(), *_interface_addresses()]
    else:
        names = [host]
    return list(dict.fromkeys(_as_host(n) for n in names if n))


def _as_host(name: str) -> str:
    return f"[{name}]" if ":" in name and not name.startswith("[") else name


def _interface_addresses() -> list[str]:
    """This machine's IPv4 addresses (one per interface) and global IPv6 addresses."""
    addresses = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            request = struct.pack("256s", name[:15].encode())
            try:
                reply = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, request)
            except OSError:  # no IPv4 address on this interface
                continue
            addresses.append(socket.inet_ntoa(reply[20:24]))
    try:
        lines = Path("/proc/net/if_inet6").read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        fields = line.split()
        if len(fields) >= 4 and fields[3] == "00":  # global scope
            addresses.append(str(ipaddress.IPv6Address(bytes.fromhex(fields[0]))))
    return addresses


def reachable_url(host: str, port: int) -> str | None:
    """A URL other machines can use when serving on every interface (first non-loopback IPv4)."""
    if host not in EVERY_INTERFACE:
        return None
    for address in _interface_addresses():
        ip = ipaddress.ip_address(address)
        if ip.version == 4 and not ip.is_loopback:
            return f"http://{address}:{port}/"
    return None


__all__ = ["EVERY_INTERFACE", "reachable_url", "served_hosts"]
