package org.jnetvm.manager.sched;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cgroup per NF process, made when it registers and removed when it is gone, directly under the cpu controller's
 * root: {@code ROOT/jnetvm-REGION-MANAGERPID-nfSLOT-PID}. Flat, not under a parent of JNetVM's own, because in cgroup
 * v1 a parent's share is split among its children: NFs under one parent would compete as one group of 1024 against
 * every other task of the machine, the manager's data-plane threads included.
 *
 * <p>A manager that died (kill -9, a crash) leaves its NFs' cgroups behind; {@link #removeStale} finds those whose
 * manager pid no longer runs, moves any process still inside back to the root, and removes them: at every start.
 *
 * <p>Thread-safe: the registry's threads place and release, the scheduler's thread writes shares.
 */
public final class NfCgroups implements AutoCloseable {
    static final String PREFIX = "jnetvm-";
    private static final Logger LOG = LoggerFactory.getLogger(NfCgroups.class);

    private final CpuController controller;
    private final String region;
    private final long managerPid;
    private final Map<Integer, Path> bySlot = new ConcurrentHashMap<>();
    // Per cgroup, the slots in it: one for an NF process, all of a host's NFs for an NF host (one pid, many slots).
    private final Map<Path, java.util.Set<Integer>> members = new ConcurrentHashMap<>();
    private final Map<Long, Path> byPid = new ConcurrentHashMap<>();

    public NfCgroups(CpuController controller, String region, long managerPid) {
        this.controller = controller;
        this.region = region;
        this.managerPid = managerPid;
    }

    public CpuController controller() {
        return controller;
    }

    /** The cgroup an NF of {@code slot} and {@code pid} gets. */
    Path pathOf(int slot, long pid) {
        return controller.root().resolve(PREFIX + region + "-" + managerPid + "-nf" + slot + "-" + pid);
    }

    /** The cgroup NF {@code slot} is in, or null. */
    public Path cgroupOf(int slot) {
        return bySlot.get(slot);
    }

    /**
     * Makes the NF's cgroup with {@code share} (v1 units) and then moves its process (all its threads) in, so the
     * process never runs there at another share. A further NF of a process that has a cgroup (an NF host's) joins
     * it: one process, one cgroup, whose share the scheduler sets to the sum of its NFs'.
     */
    public synchronized Path place(int slot, long pid, int share) throws IOException {
        Path existing = byPid.get(pid);
        if (existing != null) {
            members.get(existing).add(slot);
            bySlot.put(slot, existing);
            return existing;
        }
        if (controller.version() == 2) {
            Files.writeString(controller.root().resolve("cgroup.subtree_control"), "+cpu");
        }
        Path dir = pathOf(slot, pid);
        Files.createDirectories(dir);
        try {
            Files.writeString(dir.resolve(controller.shareFile()), Long.toString(controller.value(share)));
            Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid));
        } catch (IOException e) {
            removeQuietly(dir);
            throw e;
        }
        release(slot); // a slot placed again (a new NF in it) leaves its old cgroup first
        bySlot.put(slot, dir);
        java.util.Set<Integer> slots = ConcurrentHashMap.newKeySet();
        slots.add(slot);
        members.put(dir, slots);
        byPid.put(pid, dir);
        return dir;
    }

    /** The slots whose NFs share {@code cgroup} (more than one for an NF host). */
    public java.util.Set<Integer> members(Path cgroup) {
        java.util.Set<Integer> m = members.get(cgroup);
        return m == null ? java.util.Set.of() : java.util.Set.copyOf(m);
    }

    /** Writes {@code share} (v1 units) to {@code cgroup}, one of this manager's. */
    public void writeShare(Path cgroup, int share) throws IOException {
        Files.writeString(cgroup.resolve(controller.shareFile()), Long.toString(controller.value(share)));
    }

    /** Writes {@code share} (v1 units) to NF {@code slot}'s cgroup; false if it has none. */
    public boolean share(int slot, int share) throws IOException {
        Path dir = bySlot.get(slot);
        if (dir == null) {
            return false;
        }
        writeShare(dir, share);
        return true;
    }

    /**
     * Takes NF {@code slot} out of its cgroup, and removes the cgroup once no NF is in it (its process gone, or
     * moved back to the root if it still runs).
     */
    public synchronized void release(int slot) {
        Path dir = bySlot.remove(slot);
        if (dir == null) {
            return;
        }
        java.util.Set<Integer> m = members.get(dir);
        if (m != null) {
            m.remove(slot);
            if (!m.isEmpty()) {
                return;
            }
            members.remove(dir);
        }
        byPid.values().removeIf(dir::equals);
        remove(dir);
    }

    /**
     * Removes the cgroups of managers that no longer run (every region's: a cgroup names its manager's pid);
     * returns how many.
     */
    public static int removeStale(CpuController controller) {
        int removed = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(controller.root(), PREFIX + "*")) {
            for (Path dir : dirs) {
                long manager = managerPidOf(dir.getFileName().toString());
                if (manager > 0 && ProcessHandle.of(manager).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                if (manager > 0 && remove(controller, dir)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {} for stale NF cgroups: {}", controller.root(), e.toString());
        }
        return removed;
    }

    // jnetvm-REGION-MANAGERPID-nfSLOT-PID; REGION may hold '-', so read from the end.
    static long managerPidOf(String name) {
        String[] parts = name.split("-");
        if (parts.length < 5 || !parts[parts.length - 2].startsWith("nf")) {
            return -1;
        }
        try {
            return Long.parseLong(parts[parts.length - 3]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void remove(Path dir) {
        remove(controller, dir);
    }

    // Moves what still runs inside back to the root (rmdir refuses a cgroup with tasks), then removes it.
    private static boolean remove(CpuController controller, Path dir) {
        try {
            List<String> pids = Files.readAllLines(dir.resolve("cgroup.procs"));
            for (String pid : pids) {
                if (!pid.isBlank()) {
                    try {
                        Files.writeString(controller.root().resolve("cgroup.procs"), pid.trim());
                    } catch (IOException e) {
                        // it exited meanwhile
                    }
                }
            }
            Files.delete(dir);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            LOG.warn("cannot remove NF cgroup {}: {}", dir, e.toString());
            return false;
        }
    }

    private static void removeQuietly(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // left for removeStale
        }
    }

    /** Removes every cgroup this manager made. */
    @Override
    public void close() {
        for (Integer slot : List.copyOf(bySlot.keySet())) {
            release(slot);
        }
    }
}
