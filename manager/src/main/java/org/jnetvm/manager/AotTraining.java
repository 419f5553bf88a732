package org.jnetvm.manager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jnetvm.core.table.NfSlotDescriptor;
import org.jnetvm.core.table.NfTable;
import org.jnetvm.manager.config.ConfigLoader;
import org.jnetvm.manager.config.ManagerConfig;
import org.jnetvm.manager.nf.AotCache;
import org.jnetvm.manager.nf.NfLauncher;
import org.jnetvm.manager.nf.NfRegistry;

/**
 * Makes the AOT cache NF processes start from ({@link AotCache}): a training run of one NF
 * process against a throwaway manager in this JVM, with a generator port feeding it. The NF
 * is a {@code pipeline} of basic_monitor, bridge and simple_forward, so that the classes of
 * the built-in forwarding NFs, the NF runtime, the control client, the region and the rings
 * all load (and their hot methods get profiles) during training. When the manager stops it,
 * the NF exits normally and its JVM writes the cache (the JDK runs an assembly step then:
 * a few seconds); the file is written under a temporary name and moved into place.
 */
public final class AotTraining {
    private static final long REGISTER_TIMEOUT_NANOS = 30_000_000_000L;
    private static final long EXIT_TIMEOUT_SECONDS = 180;

    /** What a training run made. */
    public record Result(Path cache, long bytes, double seconds, long packets, Path log) {
    }

    private AotTraining() {
    }

    /** The cache NF processes would use now, if one applies (see {@link AotCache}). */
    public static Optional<AotCache> cache() {
        return NfLauncher.aotCache();
    }

    /**
     * Returns the existing cache, or makes it with a training run ({@code trafficMillis} of
     * packets through the NF).
     *
     * @throws IllegalStateException when no cache applies (class path not all jars, no directory)
     *                               or the training run fails (the message names its log)
     */
    public static Result ensure(long trafficMillis) throws IOException, InterruptedException {
        AotCache cache = cache().orElseThrow(AotTraining::noCache);
        if (cache.exists()) {
            return new Result(cache.file(), Files.size(cache.file()), 0, 0, null);
        }
        return train(trafficMillis);
    }

    /** Makes the cache anew with a training run, whether one exists or not. */
    public static Result train(long trafficMillis) throws IOException, InterruptedException {
        AotCache cache = cache().orElseThrow(AotTraining::noCache);
        long start = System.nanoTime();
        Path directory = cache.file().getParent();
        Files.createDirectories(directory);
        long pid = ProcessHandle.current().pid();
        Path output = directory.resolve("tmp-" + pid + "-" + cache.file().getFileName());
        Path log = directory.resolve("training.log");
        Files.deleteIfExists(output);
        String name = "aot-train-" + pid;
        ManagerConfig config = ConfigLoader.parse("""
                region:
                  name: %s
                  buffers: 4096
                  ringCapacity: 1024
                  nfSlots: 4
                  maxServices: 4
                  maxChains: 2
                ports:
                  - name: gen0
                    kind: generator
                    rate: 200000
                    size: 64
                    flows: 64
                services:
                  - id: 1
                    name: train
                chains:
                  default: [train]
                """.formatted(name), "aot-training");
        long packets;
        try (Manager manager = Manager.start(config)) {
            List<String> command = manager.launcher().trainingCommand(cache, output, "pipeline", "train", List.of(
                    "--stages", "basic_monitor,bridge,simple_forward",
                    "--stage-arg", "basic_monitor=--interval=0",
                    "--stage-arg", "simple_forward=--dest=train"));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                int slot = awaitSlot(manager.registry(), process, log);
                NfTable nfs = new NfTable(manager.region());
                long base = nfs.counter(slot, NfSlotDescriptor.RX_PACKETS);
                long deadline = System.nanoTime() + REGISTER_TIMEOUT_NANOS;
                while (nfs.counter(slot, NfSlotDescriptor.RX_PACKETS) == base && System.nanoTime() < deadline
                        && process.isAlive()) {
                    LockSupport.parkNanos(1_000_000);
                }
                Thread.sleep(trafficMillis);
                packets = nfs.counter(slot, NfSlotDescriptor.RX_PACKETS) - base;
                manager.registry().stopAll(); // the NF drains, says bye and exits: its JVM writes the cache
                if (!process.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the training NF did not exit within " + EXIT_TIMEOUT_SECONDS
                            + " s; see " + log);
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("the training NF exited with " + process.exitValue() + "; see " + log);
                }
            } finally {
                if (process.isAlive()) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            Files.deleteIfExists(output);
            throw e;
        }
        if (!Files.isRegularFile(output) || Files.size(output) == 0) {
            throw new IllegalStateException("the training run wrote no AOT cache; see " + log);
        }
        Files.move(output, cache.file(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        cache.deleteOthers();
        return new Result(cache.file(), Files.size(cache.file()), (System.nanoTime() - start) / 1e9, packets, log);
    }

    private static int awaitSlot(NfRegistry registry, Process process, Path log) {
        long deadline = System.nanoTime() + REGISTER_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            for (NfRegistry.Nf nf : registry.nfs()) {
                if (nf.pid() == process.pid()) {
                    return nf.slot();
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the training NF exited with " + process.exitValue()
                        + " before registering; see " + log);
            }
            LockSupport.parkNanos(1_000_000);
        }
        throw new IllegalStateException("the training NF did not register within "
                + REGISTER_TIMEOUT_NANOS / 1_000_000_000L + " s; see " + log);
    }

    private static IllegalStateException noCache() {
        return new IllegalStateException("no AOT cache applies to NF processes of this JVM: it needs the class path"
                + " to be jars only and a cache directory (-D" + AotCache.DIR_PROPERTY
                + "=DIR, or jnetvm-cli.jar on the class path as bin/jnetvm runs it)");
    }
}
