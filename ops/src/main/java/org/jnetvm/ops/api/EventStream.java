package org.jnetvm.ops.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.sse.SseClient;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jnetvm.core.stats.StatsSnapshot;
import org.jnetvm.ops.view.Views;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/events}: server-sent events that push the dashboard's data once per period (1 s;
 * tests may choose a shorter one). Each tick takes
 * one snapshot, makes one JSON text with rates against the previous tick, and sends that same text to every client,
 * so the cost does not grow with the number of dashboards but for the writes. It ticks with no client too (one
 * snapshot a second), so that a client's second event already has rates.
 *
 * <p>Threads: one scheduler thread of its own ("jnetvm-api-events") ticks and writes; clients join from the server's
 * request threads.
 */
final class EventStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    /** The SSE event name the dashboard listens for. */
    static final String EVENT = "stats";

    private final Supplier<StatsSnapshot> snapshots;
    private final EventMaker maker;
    private final ConcurrentLinkedQueue<SseClient> clients = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("jnetvm-api-events").daemon(true).factory());
    private StatsSnapshot previous; // ticker thread only

    /** Makes one event from a snapshot and the one before it (null for a client's first event). */
    interface EventMaker {
        Object event(StatsSnapshot now, StatsSnapshot before);
    }

    EventStream(Supplier<StatsSnapshot> snapshots, EventMaker maker, long periodMillis) {
        this.snapshots = snapshots;
        this.maker = maker;
        this.previous = snapshots.get(); // so that even the first tick has rates (published to the ticker by schedule)
        ticker.scheduleAtFixedRate(this::tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** A new client: it gets an event at once (counters, no rates yet), then one per tick until it goes. */
    void join(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        try {
            client.sendEvent(EVENT, json(maker.event(snapshots.get(), null)));
        } catch (RuntimeException e) {
            LOG.debug("event client left before its first event: {}", e.toString());
            return;
        }
        clients.add(client);
    }

    int clientCount() {
        return clients.size();
    }

    private void tick() {
        try {
            StatsSnapshot now = snapshots.get();
            if (clients.isEmpty()) {
                previous = now;
                return;
            }
            String text = json(maker.event(now, previous));
            previous = now;
            for (SseClient client : clients) {
                if (client.terminated()) {
                    clients.remove(client);
                    continue;
                }
                try {
                    client.sendEvent(EVENT, text);
                } catch (RuntimeException e) {
                    clients.remove(client);
                }
            }
        } catch (RuntimeException e) {
            // A failed tick must not end the schedule; the next one tries again.
            LOG.warn("event stream tick failed", e);
        }
    }

    private static String json(Object event) {
        try {
            return Views.JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an event as JSON", e);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        for (SseClient client : clients) {
            client.close();
        }
        clients.clear();
    }
}
