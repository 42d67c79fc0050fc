"""netguard.py - what a submission's lab 10 kernel may send into QEMU's user network.

QEMU's user network (slirp) turns the guest's packets into the host's own sockets: a
SYN to 10.0.2.2 becomes a connection to the host's 127.0.0.1, a datagram to 10.0.2.3:53
a DNS query, any other address the Internet. A submission's kernel is hostile code, so
when the grader boots one (grade/sandbox.py) its frames reach slirp only through a relay
in the grader that lets pass what a server that answers the grader's own clients sends,
and drops (and counts) everything else:

  ARP                    slirp answers it itself
  TCP from port 80       never a bare SYN: a server only answers, and slirp opens a host
                         socket for a SYN alone (RFC 793 3.4: a segment that is not a
                         SYN meets no connection, and gets a reset)
  TCP to 10.0.2.2:PORT   only when the test names PORT (allow_tcp_to): the one host
                         port its own server listens on (lab10client.py's fetch=)
  UDP from port 7        only back to an address and port that sent to port 7 first
  UDP 68 to 67           DHCP, which slirp serves itself (RFC 2131)
  ICMP echo request      only to the gateway, 10.0.2.2, which slirp answers itself
Never: IPv6 (slirp routes it too), IPv4 fragments (slirp reassembles what no rule
read whole) or options' trickery (the header length is read, not assumed).
Frames toward the guest all pass; UDP ones are remembered as flows it may answer.
"""
from __future__ import annotations

import struct
from collections import Counter

ETH = 14
ARP, IPV4 = 0x0806, 0x0800
ICMP, TCP, UDP = 1, 6, 17
ICMP_ECHO_REQUEST = 8
TCP_SYN, TCP_ACK = 0x02, 0x10
HTTP_PORT, ECHO_PORT = 80, 7
DHCP_CLIENT, DHCP_SERVER = 68, 67
GATEWAY = bytes([10, 0, 2, 2])
FLOWS_MAX = 4096                # UDP peers remembered; the oldest go first


class Guard:
    """The policy, one frame at a time; `dropped` counts why frames were refused."""

    def __init__(self, allow_tcp_to: int | None = None) -> None:
        self.allow_tcp_to = allow_tcp_to                    # the host port a client may reach
        self.flows: dict[tuple[bytes, int], None] = {}     # (address, port) sent to port 7
        self.dropped: Counter[str] = Counter()

    def inbound(self, frame: bytes) -> None:
        """A frame toward the guest: remember a UDP datagram to port 7 as a flow."""
        ip = ipv4(frame)
        if ip is None or ip[9] != UDP:
            return
        body = ip[(ip[0] & 0xF) * 4:]
        if len(body) >= 8 and struct.unpack("!H", body[2:4])[0] == ECHO_PORT:
            self.flows[(ip[12:16], struct.unpack("!H", body[0:2])[0])] = None
            while len(self.flows) > FLOWS_MAX:
                del self.flows[next(iter(self.flows))]

    def outbound(self, frame: bytes) -> bool:
        """Whether a frame from the guest may reach the user network."""
        why = self.refusal(frame)
        if why:
            self.dropped[why] += 1
        return not why

    def refusal(self, frame: bytes) -> str:
        """'' when the frame may pass, else why not (a counter's name)."""
        if len(frame) < ETH:
            return "short frame"
        ethertype = struct.unpack("!H", frame[12:14])[0]
        if ethertype == ARP:
            return ""
        ip = ipv4(frame)
        if ip is None:
            return "not IPv4 or ARP" if ethertype != IPV4 else "bad IPv4 header"
        if struct.unpack("!H", ip[6:8])[0] & 0x3FFF:
            return "IPv4 fragment"
        body = ip[(ip[0] & 0xF) * 4:]
        return {TCP: self.tcp_refusal, UDP: self.udp_refusal,
                ICMP: icmp_refusal}.get(ip[9], lambda ip, body: "other protocol")(ip, body)

    def tcp_refusal(self, ip: bytes, body: bytes) -> str:
        if len(body) < 20:
            return "short TCP"
        to_port = struct.unpack("!H", body[2:4])[0]
        if self.allow_tcp_to is not None and ip[16:20] == GATEWAY and to_port == self.allow_tcp_to:
            return ""                   # the test's own server, on the host's 127.0.0.1
        if struct.unpack("!H", body[0:2])[0] != HTTP_PORT:
            return "TCP not from port 80"
        flags = body[13]
        return "TCP SYN (a connection out)" if flags & TCP_SYN and not flags & TCP_ACK else ""

    def udp_refusal(self, ip: bytes, body: bytes) -> str:
        if len(body) < 8:
            return "short UDP"
        src, dst = struct.unpack("!HH", body[0:4])
        if src == DHCP_CLIENT and dst == DHCP_SERVER:
            return ""
        if src == ECHO_PORT and (ip[16:20], dst) in self.flows:
            return ""
        return "UDP not an answer"


def icmp_refusal(ip: bytes, body: bytes) -> str:
    if len(body) < 8 or body[0] != ICMP_ECHO_REQUEST:
        return "ICMP not an echo request"
    return "" if ip[16:20] == GATEWAY else "ICMP echo not to the gateway"


def ipv4(frame: bytes) -> bytes | None:
    """The IPv4 packet of an Ethernet frame, cut at its total length; None if the frame
    is not IPv4 or its header's lengths are impossible."""
    if len(frame) < ETH + 20 or struct.unpack("!H", frame[12:14])[0] != IPV4:
        return None
    ip = frame[ETH:]
    ihl = (ip[0] & 0xF) * 4
    total = struct.unpack("!H", ip[2:4])[0]
    if ip[0] >> 4 != 4 or ihl < 20 or total < ihl or total > len(ip):
        return None
    return ip[:total]
