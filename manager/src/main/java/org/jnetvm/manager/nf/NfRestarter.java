package org.jnetvm.manager.nf;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts an NF process again when it dies without saying bye (a crash, kill -9, a hang the registry killed), for
 * the {@code nfs:} entries with {@code restart: true}. The new process registers like any NF and takes the dead
 * one's flows over (the routers hash flows onto the service's live instances). An NF that keeps dying within a
 * second of its start is started again after a pause that doubles up to {@link #MAX_BACKOFF_MILLIS}, so a broken
 * NF does not turn into a fork loop; one that lived longer is started again at once.
 */
public final class NfRestarter implements NfRegistry.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(NfRestarter.class);
    static final long QUICK_DEATH_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long FIRST_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 5_000;

    /** How a process was started, so that it can be started again the same way. */
    private record Origin(String nf, String service, List<String> args, long startedNanos, int quickDeaths) {
    }

    private final NfLauncher launcher;
    private final Map<Long, Origin> byPid = new ConcurrentHashMap<>();
    private final AtomicLong restarts = new AtomicLong();
    private volatile boolean stopped;

    public NfRestarter(NfLauncher launcher) {
        this.launcher = launcher;
    }

    /** Watches the process {@code launched} started, for an entry with {@code restart: true}. */
    public void watch(NfLauncher.Launched launched) {
        watch(launched, 0);
    }

    private void watch(NfLauncher.Launched launched, int quickDeaths) {
        if (launched.process() != null) {
            byPid.put(launched.process().pid(), new Origin(launched.nf(), launched.service(), launched.args(),
                    System.nanoTime(), quickDeaths));
        }
    }

    /** Restarts so far. */
    public long restarts() {
        return restarts.get();
    }

    /** No restart from now on (the manager is stopping). */
    public void stop() {
        stopped = true;
    }

    @Override
    public void registered(NfRegistry.Nf nf) {
    }

    @Override
    public void gone(NfRegistry.Nf nf) {
        Origin origin = byPid.remove(nf.pid());
        if (origin == null || stopped || nf.saidBye()) {
            return;
        }
        boolean quick = System.nanoTime() - origin.startedNanos() < QUICK_DEATH_NANOS;
        int quickDeaths = quick ? origin.quickDeaths() + 1 : 0;
        long backoff = quickDeaths == 0 ? 0
                : Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(quickDeaths - 1, 20));
        Thread.ofVirtual().name("nf-restart-" + nf.kind()).start(() -> restart(origin, quickDeaths, backoff));
    }

    private void restart(Origin origin, int quickDeaths, long backoffMillis) {
        try {
            if (backoffMillis > 0) {
                LOG.warn("NF {} of service {} died within a second of its start ({} times in a row); starting it"
                        + " again in {} ms", origin.nf(), origin.service(), quickDeaths, backoffMillis);
                Thread.sleep(backoffMillis);
            }
            if (stopped) {
                return;
            }
            NfLauncher.Launched again = launcher.launch(origin.nf(), origin.service(), origin.args(), false);
            watch(again, quickDeaths);
            restarts.incrementAndGet();
            LOG.info("NF {} of service {} died without saying bye; started it again as pid {}", origin.nf(),
                    origin.service(), again.process().pid());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("could not start NF {} of service {} again: {}", origin.nf(), origin.service(), e.toString());
        }
    }
}
