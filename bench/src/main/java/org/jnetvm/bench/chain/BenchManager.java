package org.jnetvm.bench.chain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.jnetvm.core.table.NfSlotDescriptor;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.manager.Manager;
import org.jnetvm.manager.config.ConfigLoader;
import org.jnetvm.manager.config.ManagerConfig;
import org.jnetvm.manager.nf.NfLauncher;
import org.jnetvm.manager.nf.NfRegistry;

/**
 * A manager started in this JVM for one benchmark run, with the NF processes it launched, and
 * a {@link #close} that leaves nothing behind whatever happened: the manager closed, every NF
 * process gone (killed if it outlives the manager's stop), the region file and control socket
 * removed, and the NF logs deleted unless the run failed. {@link #cleanup()} says afterwards
 * whether anything was left.
 */
public final class BenchManager implements AutoCloseable {
    private static final AtomicInteger RUNS = new AtomicInteger();

    /**
     * What close found: the NF processes the run started and those still alive after it,
     * and whether the region file or control socket was still there (both are removed then).
     */
    public record Cleanup(Path region, List<Long> processes, List<Long> processesLeft, boolean regionLeft,
                          boolean socketLeft) {
        public boolean clean() {
            return processesLeft.isEmpty() && !regionLeft && !socketLeft;
        }
    }

    private final Manager manager;
    private final Path regionPath;
    private final Path socket;
    private final Path logDirectory;
    private final NfTable nfs;
    private final java.util.Set<Process> processes = new java.util.LinkedHashSet<>();
    private final java.util.Set<Process> stopped = new java.util.HashSet<>();
    private boolean keepLogs;
    private Cleanup cleanup;

    private BenchManager(Manager manager, Path logDirectory) {
        this.manager = manager;
        this.regionPath = manager.region().path();
        this.socket = manager.config().controlSocket();
        this.logDirectory = logDirectory;
        this.nfs = new NfTable(manager.region());
    }

    /** A region name no other run of this or another process uses. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
    }

    /** Starts a manager from YAML text whose region is named {@code name}. */
    public static BenchManager start(String name, String yaml) throws IOException {
        ManagerConfig config = ConfigLoader.parse(yaml, name);
        Path logs = Path.of(System.getProperty("java.io.tmpdir"), "jnetvm-" + config.region().name() + "-logs");
        return new BenchManager(Manager.start(config), logs);
    }

    public Manager manager() {
        return manager;
    }

    public Path regionPath() {
        return regionPath;
    }

    /** Launches an NF process through the manager's launcher (with the AOT cache when there is one). */
    public Process launch(String nf, String service, List<String> args) throws IOException {
        NfLauncher.Launched launched = manager.launcher().launch(nf, service, args, false);
        processes.add(launched.process());
        return launched.process();
    }

    /** Starts a process the caller built (it is stopped on close like the launched ones). */
    public void adopt(Process process) {
        processes.add(process);
    }

    /** Where the manager's launcher writes NF logs. */
    public Path logDirectory() {
        return logDirectory;
    }

    /** Waits until {@code count} NFs are registered; throws naming the NF logs if one dies first or time runs out. */
    public void awaitRegistered(int count, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (manager.registry().nfs().size() < count) {
            checkAlive();
            if (System.nanoTime() > deadline) {
                throw failure(manager.registry().nfs().size() + " of " + count + " NFs registered within "
                        + timeoutMillis + " ms");
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    /** The slot of the registered NF with this pid, waiting for it to register. */
    public int slotOf(Process process, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            for (NfRegistry.Nf nf : manager.registry().nfs()) {
                if (nf.pid() == process.pid()) {
                    return nf.slot();
                }
            }
            if (!process.isAlive()) {
                throw failure("NF process " + process.pid() + " exited with " + process.exitValue() + " before registering");
            }
            if (System.nanoTime() > deadline) {
                throw failure("NF process " + process.pid() + " did not register within " + timeoutMillis + " ms");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Packets the NF in {@code slot} received (cumulative per slot). */
    public long rxPackets(int slot) {
        return nfs.counter(slot, NfSlotDescriptor.RX_PACKETS);
    }

    /** Waits until the NF in {@code slot} received more than {@code above} packets. */
    public void awaitRx(int slot, long above, long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (rxPackets(slot) <= above) {
            checkAlive();
            if (System.nanoTime() > deadline) {
                throw failure("the NF in slot " + slot + " received no packet within " + timeoutMillis + " ms");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /**
     * Stops one NF process (SIGTERM: it drains, says bye and exits), and waits until the
     * registry has reclaimed it and, if {@code drain}, no packet is in flight any more.
     */
    public void stop(Process process, boolean drain, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        stopped.add(process);
        process.destroy();
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
        }
        while (manager.registry().nfs().stream().anyMatch(nf -> nf.pid() == process.pid())
                || drain && manager.stats().pool().inFlight() != 0) {
            if (System.nanoTime() > deadline) {
                throw failure("NF process " + process.pid() + " was not reclaimed" + (drain ? " and drained" : "")
                        + " within " + timeoutMillis + " ms (" + manager.stats().pool() + ")");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Throws if an NF process or a data-plane thread has died. */
    public void checkAlive() {
        for (Process p : allProcesses()) {
            if (!stopped.contains(p) && !p.isAlive()) {
                throw failure("NF process " + p.pid() + " exited with " + p.exitValue());
            }
        }
        if (!manager.healthy()) {
            throw failure("a manager data-plane thread failed");
        }
    }

    private java.util.Set<Process> allProcesses() {
        java.util.Set<Process> all = new java.util.LinkedHashSet<>(processes);
        manager.launcher().launched().stream().filter(l -> !l.inProcess()).forEach(l -> all.add(l.process()));
        return all;
    }

    private IllegalStateException failure(String message) {
        keepLogs = true;
        return new IllegalStateException(message + " (NF logs in " + logDirectory + ")");
    }

    /** Keeps the NF logs after close (a run that went wrong). */
    public void keepLogs() {
        keepLogs = true;
    }

    /** What {@link #close} left behind; null before close. */
    public Cleanup cleanup() {
        return cleanup;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        processes.addAll(allProcesses());
        try {
            manager.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        List<Long> left = new ArrayList<>();
        for (Process p : processes) {
            try {
                if (p.isAlive() && !p.waitFor(3, TimeUnit.SECONDS)) {
                    p.destroy();
                    if (!p.waitFor(2, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
            if (p.isAlive()) {
                left.add(p.pid());
            }
        }
        boolean regionLeft = Files.exists(regionPath);
        boolean socketLeft = Files.exists(socket);
        try {
            Files.deleteIfExists(regionPath);
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            if (failure == null) {
                failure = new IllegalStateException("cannot remove " + regionPath + ": " + e, e);
            }
        }
        cleanup = new Cleanup(regionPath, processes.stream().map(Process::pid).toList(), List.copyOf(left), regionLeft,
                socketLeft);
        if (!keepLogs && cleanup.clean() && failure == null) {
            deleteTree(logDirectory);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a log left behind is harmless
                }
            });
        } catch (IOException ignored) {
            // same
        }
    }
}
