# SPDX-License-Identifier: GPL-2.0
"""Raw rtnetlink for the stress generator: one socket per namespace, one
request at a time, acknowledged (routes, nexthop objects, rules, links,
addresses).  No dependency beyond the standard library: every change the
generator makes is one sendmsg/recvmsg in its own process, not an `ip`
process (see README)."""
import ctypes
import errno
import ipaddress
import os
import socket
import struct

NETLINK_ROUTE = 0
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11

NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND = 0x100, 0x200, 0x400, 0x800
NLM_F_ACK_TLVS = 0x200
NLMSG_ERROR = 2

RTM_NEWLINK, RTM_DELLINK = 16, 17
RTM_NEWADDR, RTM_DELADDR = 20, 21
RTM_NEWROUTE, RTM_DELROUTE = 24, 25
RTM_NEWRULE, RTM_DELRULE = 32, 33
RTM_NEWNEXTHOP, RTM_DELNEXTHOP = 104, 105

RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_PRIORITY = 1, 4, 5, 6
RTA_METRICS, RTA_MULTIPATH, RTA_TABLE, RTA_EXPIRES, RTA_NH_ID = 8, 9, 15, 23, 30
RTAX_MTU = 2
RTN = {"unicast": 1, "local": 2, "blackhole": 6, "unreachable": 7, "prohibit": 8}
RT_SCOPE_UNIVERSE, RT_SCOPE_LINK, RT_SCOPE_HOST, RT_SCOPE_NOWHERE = 0, 253, 254, 255
RTPROT_STATIC = 4

NHA_ID, NHA_GROUP, NHA_GROUP_TYPE, NHA_BLACKHOLE, NHA_OIF, NHA_GATEWAY = 1, 2, 3, 4, 5, 6
NHA_RES_GROUP = 12
NHA_RES_GROUP_BUCKETS, NHA_RES_GROUP_IDLE_TIMER = 1, 2
NEXTHOP_GRP_TYPE_RES = 1

FRA_DST, FRA_SRC, FRA_PRIORITY, FRA_TABLE = 1, 2, 6, 15
FR_ACT_TO_TBL = 1

IFLA_IFNAME, IFLA_LINKINFO, IFLA_INFO_KIND = 3, 18, 1
IFLA_INFO_DATA, VETH_INFO_PEER, NLA_F_NESTED = 2, 1, 0x8000
IFF_UP = 1
IFA_ADDRESS, IFA_LOCAL = 1, 2
IFA_F_NODAD = 0x02

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


def attr(kind, payload):
    n = 4 + len(payload)
    return struct.pack("HH", n, kind) + payload + b"\0" * ((4 - n % 4) % 4)


def u32(kind, v):
    return attr(kind, struct.pack("I", v))


def u16(kind, v):
    return attr(kind, struct.pack("H", v))


def addr(kind, a):
    return attr(kind, ipaddress.ip_address(a).packed)


def family(a):
    return socket.AF_INET6 if ":" in str(a) else socket.AF_INET


class NlError(Exception):
    def __init__(self, err, msg):
        self.err, self.msg = err, msg
        super().__init__(f"{errno.errorcode.get(err, err)}" + (f" ({msg})" if msg else ""))


class Rtnl:
    """An rtnetlink socket in the namespace whose /run/netns file is PATH
    (None: the caller's)."""

    def __init__(self, path=None, timeout=60.0):
        own = None
        if path:
            own = os.open("/proc/self/ns/net", os.O_RDONLY)
            fd = os.open(path, os.O_RDONLY)
            try:
                setns(fd)
            finally:
                os.close(fd)
        try:
            self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
        finally:
            if own is not None:
                setns(own)
                os.close(own)
        self.s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.bind((0, 0))
        self.s.settimeout(timeout)
        self.seq = 0

    def close(self):
        self.s.close()

    def request(self, mtype, flags, body):
        """Send one request; raise NlError on a negative ACK, socket.timeout
        when the kernel does not answer in time (a hang)."""
        self.seq += 1
        msg = struct.pack("IHHII", 16 + len(body), mtype, flags | NLM_F_REQUEST | NLM_F_ACK,
                          self.seq, 0) + body
        self.s.send(msg)
        while True:
            data = self.s.recv(65536)
            off = 0
            while off + 16 <= len(data):
                ln, typ, fl, seq, _ = struct.unpack_from("IHHII", data, off)
                if ln < 16:
                    break
                if typ == NLMSG_ERROR and seq == self.seq:
                    err = -struct.unpack_from("i", data, off + 16)[0]
                    if err == 0:
                        return
                    text = ""
                    if fl & NLM_F_ACK_TLVS:
                        p = off + 16 + 4 + 16
                        while p + 4 <= off + ln:
                            al, at = struct.unpack_from("HH", data, p)
                            if al < 4:
                                break
                            if at == 1:
                                text = data[p + 4:p + al].split(b"\0")[0].decode(errors="replace")
                            p += (al + 3) & ~3
                    raise NlError(err, text)
                off += (ln + 3) & ~3

    # --- routes ---------------------------------------------------------
    def route(self, cmd, flags, dst, table=254, rtype="unicast", metric=None, tos=0,
              gw=None, oif=None, paths=None, nhid=None, mtu=None, expires=None):
        """cmd: new or del.  PATHS: [(gw, oif, weight)] (multipath)."""
        net = ipaddress.ip_network(dst)
        fam = socket.AF_INET6 if net.version == 6 else socket.AF_INET
        if cmd == "del":
            scope, t, proto = RT_SCOPE_NOWHERE, 0, 0
        else:
            t, proto = RTN[rtype], RTPROT_STATIC
            scope = RT_SCOPE_UNIVERSE
            if fam == socket.AF_INET:
                if rtype == "local":
                    scope = RT_SCOPE_HOST
                elif rtype == "unicast" and gw is None and not paths and nhid is None:
                    scope = RT_SCOPE_LINK
        body = struct.pack("BBBBBBBBI", fam, net.prefixlen, 0, tos, table if table < 256 else 0,
                           proto, scope, t, 0)
        body += attr(RTA_DST, net.network_address.packed) + u32(RTA_TABLE, table)
        if metric is not None:
            body += u32(RTA_PRIORITY, metric)
        if gw is not None:
            body += addr(RTA_GATEWAY, gw)
        if oif is not None:
            body += u32(RTA_OIF, oif)
        if nhid is not None:
            body += u32(RTA_NH_ID, nhid)
        if mtu is not None:
            body += attr(RTA_METRICS, u32(RTAX_MTU, mtu))
        if expires is not None:
            body += u32(RTA_EXPIRES, expires)
        if paths:
            mp = b""
            for pgw, poif, w in paths:
                a = addr(RTA_GATEWAY, pgw)
                mp += struct.pack("HBBi", 8 + len(a), 0, w - 1, poif) + a
            body += attr(RTA_MULTIPATH, mp)
        self.request(RTM_NEWROUTE if cmd == "new" else RTM_DELROUTE, flags, body)

    # --- nexthop objects ------------------------------------------------
    def nexthop(self, flags, nhid, gw=None, oif=None, blackhole=False, group=None,
                resilient=None):
        """GROUP: [(id, weight)]; RESILIENT: (buckets, idle_timer) or None."""
        fam = socket.AF_UNSPEC
        if group is None:
            fam = family(gw) if gw is not None else socket.AF_INET
        body = struct.pack("BBBBI", fam, 0, RTPROT_STATIC, 0, 0) + u32(NHA_ID, nhid)
        if blackhole:
            body += attr(NHA_BLACKHOLE, b"")
        if gw is not None:
            body += addr(NHA_GATEWAY, gw)
        if oif is not None:
            body += u32(NHA_OIF, oif)
        if group is not None:
            body += attr(NHA_GROUP, b"".join(struct.pack("IBBH", i, w - 1, 0, 0)
                                             for i, w in group))
            if resilient is not None:
                body += u16(NHA_GROUP_TYPE, NEXTHOP_GRP_TYPE_RES)
                body += attr(NHA_RES_GROUP | 0x8000, u16(NHA_RES_GROUP_BUCKETS, resilient[0]) +
                             u32(NHA_RES_GROUP_IDLE_TIMER, resilient[1]))
        self.request(RTM_NEWNEXTHOP, flags, body)

    def nexthop_del(self, nhid):
        body = struct.pack("BBBBI", socket.AF_UNSPEC, 0, 0, 0, 0) + u32(NHA_ID, nhid)
        self.request(RTM_DELNEXTHOP, 0, body)

    # --- rules ----------------------------------------------------------
    def rule(self, cmd, fam, pref, table, src=None, dst=None):
        af = socket.AF_INET6 if fam == 6 else socket.AF_INET
        sl = ipaddress.ip_network(src).prefixlen if src else 0
        dl = ipaddress.ip_network(dst).prefixlen if dst else 0
        body = struct.pack("BBBBBBBBI", af, dl, sl, 0, table if table < 256 else 0, 0, 0,
                           FR_ACT_TO_TBL, 0)
        body += u32(FRA_PRIORITY, pref) + u32(FRA_TABLE, table)
        if src:
            body += attr(FRA_SRC, ipaddress.ip_network(src).network_address.packed)
        if dst:
            body += attr(FRA_DST, ipaddress.ip_network(dst).network_address.packed)
        self.request(RTM_NEWRULE if cmd == "new" else RTM_DELRULE,
                     NLM_F_CREATE | NLM_F_EXCL if cmd == "new" else 0, body)

    # --- links and addresses ------------------------------------------------
    def link_add_dummy(self, name, ifindex):
        body = struct.pack("BBHiII", 0, 0, 0, ifindex, 0, 0)
        body += attr(IFLA_IFNAME, name.encode() + b"\0")
        body += attr(IFLA_LINKINFO, attr(IFLA_INFO_KIND, b"dummy"))
        self.request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, body)

    def link_add_veth(self, name, ifindex, peer, peer_ifindex):
        peer_msg = struct.pack("BBHiII", 0, 0, 0, peer_ifindex, 0, 0) + \
            attr(IFLA_IFNAME, peer.encode() + b"\0")
        data = attr(VETH_INFO_PEER | NLA_F_NESTED, peer_msg)
        body = struct.pack("BBHiII", 0, 0, 0, ifindex, 0, 0)
        body += attr(IFLA_IFNAME, name.encode() + b"\0")
        body += attr(IFLA_LINKINFO | NLA_F_NESTED, attr(IFLA_INFO_KIND, b"veth") +
                     attr(IFLA_INFO_DATA | NLA_F_NESTED, data))
        self.request(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, body)

    def link_set(self, ifindex, up):
        body = struct.pack("BBHiII", 0, 0, 0, ifindex, IFF_UP if up else 0, IFF_UP)
        self.request(RTM_NEWLINK, 0, body)

    def link_del(self, ifindex):
        self.request(RTM_DELLINK, 0, struct.pack("BBHiII", 0, 0, 0, ifindex, 0, 0))

    def address(self, cmd, ifindex, cidr):
        iface = ipaddress.ip_interface(cidr)
        af = socket.AF_INET6 if iface.version == 6 else socket.AF_INET
        body = struct.pack("BBBBI", af, iface.network.prefixlen,
                           IFA_F_NODAD if af == socket.AF_INET6 else 0, 0, ifindex)
        body += addr(IFA_LOCAL, iface.ip) + addr(IFA_ADDRESS, iface.ip)
        self.request(RTM_NEWADDR if cmd == "new" else RTM_DELADDR,
                     NLM_F_CREATE | NLM_F_EXCL if cmd == "new" else 0, body)


def router_advert(path, ifname, ifindex, lifetime, prefix, valid):
    """Send a router advertisement out of IFNAME in the namespace at PATH:
    router lifetime LIFETIME s (0: not a default router), an on-link
    prefix PREFIX (a /64) valid VALID s, no autoconfiguration.  The
    receiving side processes it in the NET_RX softirq."""
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    fd = os.open(path, os.O_RDONLY)
    try:
        setns(fd)
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    finally:
        setns(own)
        os.close(fd)
        os.close(own)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
        net = ipaddress.ip_network(prefix)
        ra = struct.pack("!BBHBBHII", 134, 0, 0, 64, 0, lifetime, 0, 0)
        ra += struct.pack("!BBBBIII", 3, 4, net.prefixlen, 0x80, valid, valid, 0) + \
            net.network_address.packed
        s.sendto(ra, ("ff02::1", 0, 0, ifindex))
    finally:
        s.close()
