#!/usr/bin/env bash
# Regenerates fixture.pcap and fixture-expected.csv for RealFramesTest.
#
# Needs root, iproute2, ethtool, tcpdump, tshark/mergecap, python3, curl.
# All traffic stays inside two network namespaces this script creates (their own
# loopback and a veth pair between them) and deletes on exit; nothing touches the
# host's interfaces or any outside address.
set -euo pipefail
cd "$(dirname "$0")"

A=jnvpkt-a
B=jnvpkt-b
WORK=$(mktemp -d)
PIDS=()

cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  sleep 0.3
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

inA() { ip netns exec "$A" "$@"; }
inB() { ip netns exec "$B" "$@"; }

# A ping in Python (no iputils needed): one ICMP / ICMPv6 echo request of SIZE
# payload bytes, waits up to 1 s for the reply; the kernel fills in ARP/NDP and
# fragments anything bigger than the MTU.
PING_PY='
import socket, struct, sys, select
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
proto = socket.IPPROTO_ICMPV6 if fam == socket.AF_INET6 else socket.IPPROTO_ICMP
size = int(sys.argv[2]) if len(sys.argv) > 2 else 56
s = socket.socket(fam, socket.SOCK_RAW, proto)
typ = 128 if fam == socket.AF_INET6 else 8
data = bytes(i & 0xff for i in range(size))
hdr = struct.pack("!BBHHH", typ, 0, 0, 0x4a4e, 1)
def csum(b):
    if len(b) % 2: b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff
pkt = hdr + data
if fam == socket.AF_INET:
    pkt = struct.pack("!BBHHH", typ, 0, csum(pkt), 0x4a4e, 1) + data
s.sendto(pkt, (sys.argv[1], 0))
select.select([s], [], [], 1.0)
'
ping_() { local ns=$1; shift; ip netns exec "$ns" python3 -c "$PING_PY" "$@"; }

ip netns add "$A"
ip netns add "$B"
inA ip link set lo up
inB ip link set lo up

# ---------- part 1: loopback of namespace A (linktype 1, zero MACs) ----------
ip netns exec "$A" tcpdump -i lo -U -n -s 0 -w "$WORK/lo.pcap" 2>/dev/null & PIDS+=($!)
sleep 1
ip netns exec "$A" python3 -m http.server 8080 --bind 127.0.0.1 >/dev/null 2>&1 & PIDS+=($!)
ip netns exec "$A" python3 -m http.server 8086 --bind ::1 >/dev/null 2>&1 & PIDS+=($!)
sleep 1
inA curl -s -o /dev/null http://127.0.0.1:8080/
inA curl -s -o /dev/null -g 'http://[::1]:8086/'
# UDP with a listener (normal datagram) and without one (ICMP port unreachable follows).
inA python3 - <<'PY'
import socket
r4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r4.bind(("127.0.0.1", 9999))
r6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); r6.bind(("::1", 9999))
s4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s4.sendto(b"hello jnetvm udp4", ("127.0.0.1", 9999)); r4.recv(100)
s6.sendto(b"hello jnetvm udp6", ("::1", 9999)); r6.recv(100)
s4.sendto(b"nobody listens", ("127.0.0.1", 9998))
s6.sendto(b"nobody listens", ("::1", 9998))
PY
ping_ "$A" 127.0.0.1
ping_ "$A" ::1
sleep 1
kill -TERM "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true

# ---------- part 2: veth pair A<->B: untagged, 802.1Q VLAN 100, QinQ 300/400 ----------
# This kernel has no 8021q module, so tagged frames cannot come from VLAN
# subinterfaces; a raw AF_PACKET socket in A sends them (VLAN_PY) and tcpdump
# records them like any other frame. Untagged traffic is the kernel's own.
ip link add veth-a netns "$A" type veth peer name veth-b netns "$B"
for ns in "$A" "$B"; do
  s=${ns: -1}; n=$([ "$s" = a ] && echo 1 || echo 2)
  ip netns exec "$ns" ethtool -K "veth-$s" tx off rx off >/dev/null 2>&1 || true   # full checksums on the wire
  ip netns exec "$ns" ip link set "veth-$s" up
  ip netns exec "$ns" ip addr add "10.99.0.$n/24" dev "veth-$s"
  ip netns exec "$ns" ip addr add "fd00:99::$n/64" dev "veth-$s" nodad
done
VLAN_PY='
import socket, struct
def csum(b):
    if len(b) % 2: b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16: t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff
def ip4(proto, src, dst, payload):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0x1234, 0x4000, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload
def udp4(src, dst, sp, dp, data):
    u = struct.pack("!HHHH", sp, dp, 8 + len(data), 0) + data
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 17, len(u))
    c = csum(ph + u) or 0xffff
    return u[:6] + struct.pack("!H", c) + u[8:]
def icmp_echo(ident, seq, data):
    m = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + data
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("veth-a", 0))
src = bytes.fromhex(open("/sys/class/net/veth-a/address").read().strip().replace(":", ""))
bcast = b"\xff" * 6
def q(tpid, vid): return struct.pack("!HH", tpid, vid)
arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, src, socket.inet_aton("10.99.100.1"),
                  b"\0" * 6, socket.inet_aton("10.99.100.2"))
s.send(bcast + src + q(0x8100, 100) + b"\x08\x06" + arp + b"\0" * 14)
s.send(bcast + src + q(0x8100, 100) + b"\x08\x00" +
       ip4(17, "10.99.100.1", "10.99.100.2", udp4("10.99.100.1", "10.99.100.2", 40000, 5353, b"vlan udp")))
s.send(bcast + src + q(0x88a8, 300) + q(0x8100, 400) + b"\x08\x00" +
       ip4(1, "10.99.34.1", "10.99.34.2", icmp_echo(0x4a4e, 7, bytes(range(32)))))
'
ip netns exec "$B" python3 -m http.server 8080 --bind 10.99.0.2 >/dev/null 2>&1 & PIDS+=($!)
sleep 1
ip netns exec "$A" tcpdump -i veth-a -U -n -s 0 -w "$WORK/veth.pcap" 2>/dev/null & PIDS+=($!)
TCPDUMP2=$!
sleep 1
ping_ "$A" 10.99.0.2                       # ARP + ICMP echo
ping_ "$A" 10.99.0.2 2000                  # IPv4 fragments
ping_ "$A" fd00:99::2                      # NDP + ICMPv6 echo
ping_ "$A" fd00:99::2 2000                 # IPv6 Fragment extension header
inA curl -s -o /dev/null http://10.99.0.2:8080/   # TCP over veth (full checksums)
inA python3 -c "$VLAN_PY"                  # 802.1Q ARP, 802.1Q UDP, QinQ ICMP
sleep 1
kill -TERM "$TCPDUMP2"; wait "$TCPDUMP2" 2>/dev/null || true

mergecap -F pcap -a -w fixture.pcap "$WORK/lo.pcap" "$WORK/veth.pcap"

# Expected facts, one line per frame, as tshark sees them (reassembly off so every
# frame stands alone; checksum checks on so status is 0=bad 1=good 2=unverified).
{
  echo "# frame;cap_len;protocols;eth_type;qinq_outer_id;vlan_id;vlan_etype;ip_hdr_len;ip_proto;ip_src;ip_dst;ip_frag_offset;ip_checksum_status;ipv6_nxt;ipv6_src;ipv6_dst;tcp_srcport;tcp_dstport;tcp_checksum_status;udp_srcport;udp_dstport;udp_checksum_status;icmp_type;icmp_checksum_status;icmpv6_type;icmpv6_checksum_status;arp_opcode"
  tshark -r fixture.pcap -n \
    -o ip.defragment:FALSE -o ipv6.defragment:FALSE -o tcp.desegment_tcp_streams:FALSE \
    -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE \
    -T fields -E separator=';' -E occurrence=f \
    -e frame.number -e frame.cap_len -e frame.protocols -e eth.type -e ieee8021ad.id -e vlan.id -e vlan.etype \
    -e ip.hdr_len -e ip.proto -e ip.src -e ip.dst -e ip.frag_offset -e ip.checksum.status \
    -e ipv6.nxt -e ipv6.src -e ipv6.dst \
    -e tcp.srcport -e tcp.dstport -e tcp.checksum.status \
    -e udp.srcport -e udp.dstport -e udp.checksum.status \
    -e icmp.type -e icmp.checksum.status -e icmpv6.type -e icmpv6.checksum.status -e arp.opcode
} > fixture-expected.csv
echo "wrote $(($(wc -l < fixture-expected.csv) - 1)) frames"
