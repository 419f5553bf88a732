package org.jnetvm.manager.nf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jnetvm.nf.runtime.NfCatalog;
import org.jnetvm.nf.runtime.DirectOutput;
import org.jnetvm.nf.runtime.NfMain;
import org.jnetvm.nf.runtime.NfSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts NFs for the manager: as their own JVM processes (the same java, class path and
 * native-access flag as the manager, main class {@link NfMain}), or inside the manager's JVM
 * on a platform thread of their own. Either way the NF registers over the control socket like
 * any other, so the manager treats both alike.
 *
 * <p>NF processes use the JDK's AOT cache when one matches this build and their flags
 * ({@link AotCache}; {@code jnetvm nf-cache} makes it): they then start in about half the time.
 *
 * <p>Process output goes to {@code <logDirectory>/<service>-<n>.log}.
 */
public final class NfLauncher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NfLauncher.class);

    /**
     * A started NF: a process, or in this JVM a session run by a thread of its own or driven
     * inline by a manager thread; {@code finished} completes when an in-process NF's loop ended.
     */
    public record Launched(String nf, String service, Process process, NfSession session,
                           CompletableFuture<Void> finished, Path log, List<String> args) {
        public boolean inProcess() {
            return session != null;
        }
    }

    private final Path socket;
    private final Path logDirectory;
    // The NFs that still run: an entry leaves when its process exits or its loop ends, so that a manager that restarts
    // NFs for days does not keep every process it ever started (the soak saw 16 KB of heap kept per restart).
    private final List<Launched> launched = new ArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    private int ended;
    // Ended NFs, queued by whatever thread ended them (a process reaper, an NF's own thread, an RX thread that ran
    // an inline NF) and taken out of the list by the next call that holds the lock: a callback that waited for the
    // lock could hold up an RX thread with another inline NF to finish while close() waits for that one.
    private final ConcurrentLinkedQueue<Launched> endedQueue = new ConcurrentLinkedQueue<>();
    // Logs of NF processes that did not exit cleanly, named at close; the first ones and a count of the rest.
    private final List<Path> keptLogs = new ArrayList<>();
    private int keptLogsLeftOut;
    private static final int KEPT_LOGS_NAMED = 32;

    public NfLauncher(Path socket, Path logDirectory) {
        this.socket = socket;
        this.logDirectory = logDirectory;
    }

    /**
     * Environment variable of JVM options added to every NF process the manager starts, split at spaces: for
     * looking inside NFs (for example {@code -XX:StartFlightRecording=filename=/tmp/nf.jfr}, NMT, GC logs).
     */
    public static final String EXTRA_JVM_OPTIONS_ENV = "JNETVM_NF_JAVA_OPTS";

    static List<String> extraJvmOptions(String value) {
        return value == null || value.isBlank() ? List.of() : List.of(value.trim().split("\\s+"));
    }

    /** JVM flags of every NF process (the AOT cache's name depends on them). */
    public static final List<String> JVM_FLAGS = List.of("--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
            "-Xms64m", "-Xmx256m");

    /**
     * The command line that starts {@code nf} as a process (also what tests and benches
     * launch): with {@code -XX:AOTCache} when a cache for this build and these flags exists
     * (see {@link AotCache}).
     */
    public List<String> command(String nf, String service, List<String> args) {
        return command(nf, service, args, true);
    }

    /** As {@link #command(String, String, List)}; {@code useAotCache} false leaves the cache out (to compare). */
    public List<String> command(String nf, String service, List<String> args, boolean useAotCache) {
        List<String> jvmFlags = new ArrayList<>();
        if (useAotCache) {
            aotCache().filter(AotCache::exists).ifPresent(c -> jvmFlags.addAll(c.useFlags()));
        }
        return command(jvmFlags, nf, service, args);
    }

    /** The command of a training run that writes an AOT cache for NF processes to {@code output}. */
    public List<String> trainingCommand(AotCache cache, Path output, String nf, String service, List<String> args) {
        return command(cache.trainingFlags(output), nf, service, args);
    }

    /** The AOT cache NF processes started by this launcher use (the file may not exist yet), or empty if none applies. */
    public static Optional<AotCache> aotCache() {
        return AotCache.find(java(), JVM_FLAGS, System.getProperty("java.class.path"));
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private List<String> command(List<String> extraJvmFlags, String nf, String service, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(JVM_FLAGS);
        command.addAll(extraJvmFlags);
        command.addAll(extraJvmOptions(System.getenv(EXTRA_JVM_OPTIONS_ENV)));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(NfMain.class.getName());
        command.add(nf);
        if (service != null) {
            command.add("--service");
            command.add(service);
        }
        command.add("--manager");
        command.add(socket.toString());
        command.addAll(args);
        return command;
    }

    /**
     * Starts one NF.
     *
     * @param service service name or id; null for the NF's own name
     */
    public synchronized Launched launch(String nf, String service, List<String> args, boolean inProcess) throws IOException {
        purgeEnded();
        int n = counter.incrementAndGet();
        String label = (service != null ? service : nf) + "-" + n;
        Launched l;
        if (inProcess) {
            NfSession session = openSession(nf, service, args, null);
            CompletableFuture<Void> finished = new CompletableFuture<>();
            Thread.ofPlatform().name("nf-" + label).daemon(true).start(() -> {
                try (session) {
                    session.run();
                } catch (Exception e) {
                    LOG.error("in-process NF {} failed", label, e);
                } finally {
                    finished.complete(null);
                }
            });
            l = new Launched(nf, service, null, session, finished, null, List.copyOf(args));
            Launched entry = l;
            finished.whenComplete((ok, e) -> ended(entry));
        } else {
            Files.createDirectories(logDirectory);
            Path log = logDirectory.resolve(label + ".log");
            Process process = new ProcessBuilder(command(nf, service, args))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            LOG.info("started NF {} for service {} as pid {} (log {})", nf, service, process.pid(), log);
            l = new Launched(nf, service, process, null, null, log, List.copyOf(args));
            Launched entry = l;
            process.onExit().thenRun(() -> ended(entry));
        }
        launched.add(l);
        return l;
    }

    // An NF process exited, or an in-process NF's loop ended: any thread, never blocks.
    private void ended(Launched l) {
        endedQueue.add(l);
    }

    // Holding the lock: the ended NFs leave the list; a clean exit's log goes.
    private void purgeEnded() {
        for (Launched l; (l = endedQueue.poll()) != null; ) {
            if (launched.remove(l)) {
                ended++;
                retireLog(l);
            }
        }
    }

    private void retireLog(Launched l) {
        if (l.inProcess() || l.log() == null) {
            return;
        }
        try {
            if (!l.process().isAlive() && l.process().exitValue() == 0) {
                Files.deleteIfExists(l.log());
                return;
            }
        } catch (IOException e) {
            // kept, and named below
        }
        if (keptLogs.size() < KEPT_LOGS_NAMED) {
            keptLogs.add(l.log());
        } else {
            keptLogsLeftOut++;
        }
    }

    /**
     * Starts an inline NF: registered and initialised here, its loop then driven by the caller's
     * manager thread ({@link NfSession#step()} until it is asked to stop, then
     * {@link NfSession#finish()} and {@link NfSession#close()}; that thread completes
     * {@link Launched#finished()}), its OUT packets sent through {@code direct}.
     */
    public synchronized Launched launchInline(String nf, String service, List<String> args, DirectOutput direct)
            throws IOException {
        purgeEnded();
        NfSession session = openSession(nf, service, args, direct);
        try {
            session.start();
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        Launched l = new Launched(nf, service, null, session, new CompletableFuture<>(), null, List.copyOf(args));
        l.finished().whenComplete((ok, e) -> ended(l));
        launched.add(l);
        return l;
    }

    private NfSession openSession(String nf, String service, List<String> args, DirectOutput direct)
            throws IOException {
        List<String> all = new ArrayList<>(args);
        if (service != null) {
            all.add("--service");
            all.add(service);
        }
        NfMain.Configured configured = NfMain.configure(NfCatalog.load(), nf, all.toArray(String[]::new));
        return NfSession.open(configured.nf(), configured.settings(socket), direct);
    }

    /** Whether every NF it started still runs (a process, or an in-process NF's loop): none has ended yet. */
    public synchronized boolean allAlive() {
        purgeEnded();
        return ended == 0
                && launched.stream().allMatch(l -> l.inProcess() ? !l.finished().isDone() : l.process().isAlive());
    }

    /** The NFs it started that still run (or whose end it has not been told of yet). */
    public synchronized List<Launched> launched() {
        purgeEnded();
        return List.copyOf(launched);
    }

    /** Stops every NF it started: in-process ones are asked to stop, processes get 5 s after the manager's stop message, then SIGTERM, then SIGKILL. */
    @Override
    public synchronized void close() {
        for (Launched l : launched) {
            if (l.inProcess()) {
                l.session().requestStop();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (Launched l : launched) {
            try {
                long left = Math.max(1, deadline - System.nanoTime());
                if (l.inProcess()) {
                    try {
                        l.finished().get(left, TimeUnit.NANOSECONDS);
                    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                        // Its loop is stuck, or (inline) the thread that runs it never started: let go of
                        // its connection and region mapping anyway.
                        LOG.warn("in-process NF {} for service {} did not stop within 5 s", l.nf(), l.service());
                        l.session().close();
                    }
                } else if (!l.process().waitFor(left, TimeUnit.NANOSECONDS)) {
                    l.process().destroy();
                    if (!l.process().waitFor(2, TimeUnit.SECONDS)) {
                        l.process().destroyForcibly().waitFor(2, TimeUnit.SECONDS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        removeCleanLogs();
        launched.clear();
    }

    // The log of an NF that ended with exit code 0 says nothing anyone needs: remove it, and the
    // directory once empty. Logs of NFs that failed or were killed stay, and are named.
    private void removeCleanLogs() {
        launched.forEach(this::retireLog);
        try {
            Files.deleteIfExists(logDirectory);
        } catch (IOException notEmpty) {
            // logs of other runs, or of NFs that did not end cleanly
        }
        if (!keptLogs.isEmpty()) {
            LOG.info("logs of NFs that did not exit cleanly: {}{}", keptLogs,
                    keptLogsLeftOut == 0 ? "" : " and " + keptLogsLeftOut + " more in " + logDirectory);
        }
    }

    /** Where NF processes' output goes. */
    public Path logDirectory() {
        return logDirectory;
    }
}
