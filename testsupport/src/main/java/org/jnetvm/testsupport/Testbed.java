package org.jnetvm.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Hosts for end-to-end tests and benchmarks, two by default: network namespaces {@code NAMEa},
 * {@code NAMEb} (then {@code NAMEc}, ...), each with an {@code eth0} (10.S.0.1/24, 10.S.0.2/24,
 * ...) whose veth peer, {@code NAMEa0}, {@code NAMEb0}, ..., stays in this namespace for the
 * manager's ports or a Linux bridge. Traffic between the hosts crosses whatever joins the peers.
 *
 * <pre>
 *   [ns NAMEa: eth0 10.S.0.1] ==veth== NAMEa0 --( manager | bridge | testpmd )-- NAMEb0 ==veth== [ns NAMEb: eth0 10.S.0.2]
 * </pre>
 *
 * <p>With more than two hosts (a client and several servers behind a load balancer, say) each
 * host's peer is one more port of the manager; {@link #bridge()} joins all of them.
 *
 * <p>Segmentation offloads (TSO, GSO, GRO) are off on all four ends: a port copies frames into
 * buffers of the pool's data room, and a 64 KiB TCP super-frame does not fit one. Checksum
 * offload stays on unless asked otherwise (the af_packet port completes such checksums).
 * {@link #close()} removes everything, whatever state a failed test left; {@link #create}
 * first removes what an earlier run with the same name left behind.
 */
public final class Testbed implements AutoCloseable {
    private final String name;
    private final int subnet;
    private final int hosts;
    private boolean bridged;

    /** The most hosts one testbed makes (host letters a..h). */
    public static final int MAX_HOSTS = 8;

    private Testbed(String name, int subnet, int hosts) {
        this.name = name;
        this.subnet = subnet;
        this.hosts = hosts;
    }

    /**
     * A name for {@link #create} that no other process uses at the same time (two test runs on one
     * machine would otherwise share, and tear down, each other's interfaces): {@code purpose}
     * (1..3 of a-z) and this process's id in base 36.
     */
    public static String uniqueName(String purpose) {
        return purpose + Long.toString(ProcessHandle.current().pid() % 60_466_176L, 36); // at most 5 digits
    }

    /**
     * Makes two namespaces and veth pairs.
     *
     * @param name            1..8 characters [a-z0-9], the prefix of the namespaces and interfaces
     * @param subnet          the S of 10.S.0.0/24, 1..254
     * @param checksumOffload whether the veths keep checksum offload (true is Linux's default)
     */
    public static Testbed create(String name, int subnet, boolean checksumOffload) {
        return create(name, subnet, 2, checksumOffload);
    }

    /**
     * Makes {@code hosts} namespaces and veth pairs (interface names stay within Linux's 15
     * bytes: at most 8 + 2).
     *
     * @param hosts 2..{@value #MAX_HOSTS}
     * @see #create(String, int, boolean)
     */
    public static Testbed create(String name, int subnet, int hosts, boolean checksumOffload) {
        if (hosts < 2 || hosts > MAX_HOSTS) {
            throw new IllegalArgumentException("testbed hosts " + hosts + ": 2.." + MAX_HOSTS);
        }
        if (!name.matches("[a-z0-9]{1,8}")) {
            throw new IllegalArgumentException("testbed name '" + name + "': 1 to 8 of a-z 0-9");
        }
        if (subnet < 1 || subnet > 254) {
            throw new IllegalArgumentException("testbed subnet " + subnet + ": 1..254");
        }
        if (!Shell.isRoot()) {
            throw new IllegalStateException("a testbed needs root (network namespaces and veth pairs)");
        }
        Testbed bed = new Testbed(name, subnet, hosts);
        bed.remove();
        try {
            for (int side = 0; side < hosts; side++) {
                String ns = bed.namespace(side);
                String host = bed.hostInterface(side);
                Shell.run("ip", "netns", "add", ns);
                // No IPv6: its autoconfiguration chatter would add frames that tests counting packets did not send.
                Shell.run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                        "net.ipv6.conf.default.disable_ipv6=1");
                Shell.run("ip", "link", "add", host, "type", "veth", "peer", "name", "eth0", "netns", ns);
                Shell.run("sysctl", "-qw", "net.ipv6.conf." + host + ".disable_ipv6=1");
                Shell.run("ip", "-n", ns, "addr", "add", bed.address(side) + "/24", "dev", "eth0");
                Shell.run("ip", "-n", ns, "link", "set", "lo", "up");
                Shell.run("ip", "-n", ns, "link", "set", "eth0", "up");
                Shell.run("ip", "link", "set", host, "up");
                List<String> off = new ArrayList<>(List.of("tso", "off", "gso", "off", "gro", "off"));
                if (!checksumOffload) {
                    off.addAll(List.of("tx", "off", "rx", "off"));
                }
                Shell.run(concat(List.of("ip", "netns", "exec", ns, "ethtool", "-K", "eth0"), off));
                Shell.run(concat(List.of("ethtool", "-K", host), off));
            }
        } catch (RuntimeException e) {
            bed.remove();
            throw e;
        }
        return bed;
    }

    private static String[] concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all.toArray(String[]::new);
    }

    /** How many hosts this testbed has. */
    public int hosts() {
        return hosts;
    }

    /** The namespace of host {@code side} (0 for a, 1 for b, ...). */
    public String namespace(int side) {
        return name + letter(side);
    }

    /** The veth end in this namespace that leads to host {@code side}: what a port binds to. */
    public String hostInterface(int side) {
        return name + letter(side) + "0";
    }

    private char letter(int side) {
        if (side < 0 || side >= hosts) {
            throw new IndexOutOfBoundsException("host " + side + " of a testbed of " + hosts);
        }
        return (char) ('a' + side);
    }

    /** The IPv4 address of host {@code side}. */
    public String address(int side) {
        return "10." + subnet + ".0." + (side + 1);
    }

    /** The MAC address of host {@code side}'s eth0. */
    public String mac(int side) {
        return Shell.run("ip", "netns", "exec", namespace(side), "cat", "/sys/class/net/eth0/address").strip();
    }

    /** A command to run inside host {@code side}'s namespace. */
    public ProcessBuilder inHost(int side, String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", namespace(side)));
        all.addAll(List.of(command));
        return new ProcessBuilder(all);
    }

    /** Runs {@code command} in host {@code side}'s namespace (20 s at most) and returns its output. */
    public String run(int side, String... command) {
        return Shell.run(inHost(side, command).command().toArray(String[]::new));
    }

    /**
     * Waits until a socket of {@code protocol} ("tcp" or "udp") listens on {@code port} in host
     * {@code side}, polling {@code ss} every 10 ms for at most {@code limit}.
     *
     * @throws IllegalStateException when nothing listens by then
     */
    public void awaitListening(int side, String protocol, int port, Duration limit) {
        String flags = switch (protocol) {
            case "tcp" -> "-Hltn";
            case "udp" -> "-Hlun";
            default -> throw new IllegalArgumentException("protocol '" + protocol + "': tcp or udp");
        };
        String[] ss = inHost(side, "ss", flags, "sport", "=", ":" + port).command().toArray(String[]::new);
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            Shell.Result r = Shell.exec(limit, ss);
            if (r.exitCode() == 0 && !r.output().isBlank()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(protocol + " port " + port + " not listening in " + namespace(side)
                        + " after " + limit.toMillis() + " ms");
            }
            LockSupport.parkNanos(10_000_000);
        }
    }

    /** Joins the host interfaces with a Linux bridge (the baseline forwarder). */
    public void bridge() {
        Shell.run("ip", "link", "add", bridgeName(), "type", "bridge");
        bridged = true;
        for (int side = 0; side < hosts; side++) {
            Shell.run("ip", "link", "set", hostInterface(side), "master", bridgeName());
        }
        Shell.run("ip", "link", "set", bridgeName(), "up");
    }

    /** Removes the bridge; the host interfaces stay up for the next forwarder. */
    public void unbridge() {
        if (bridged) {
            Shell.runQuiet("ip", "link", "del", bridgeName());
            bridged = false;
        }
    }

    private String bridgeName() {
        return name + "br";
    }

    /** Removes the namespaces, veths and bridge. */
    @Override
    public void close() {
        remove();
    }

    private void remove() {
        Shell.runQuiet("ip", "link", "del", bridgeName());
        bridged = false;
        for (int side = 0; side < hosts; side++) {
            Shell.runQuiet("ip", "link", "del", hostInterface(side));
            // Processes still inside would keep the namespace's interfaces alive: end them first.
            String pids = Shell.runQuiet("ip", "netns", "pids", namespace(side)).strip();
            if (!pids.isEmpty() && pids.chars().allMatch(c -> Character.isDigit(c) || Character.isWhitespace(c))) {
                for (String pid : pids.split("\\s+")) {
                    Shell.runQuiet("kill", "-9", pid);
                }
            }
            Shell.runQuiet("ip", "netns", "del", namespace(side));
        }
    }

    /** For `ip netns exec` children the caller started: waits for them to end or kills them. */
    public static void stop(Process process) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
