package org.jnetvm.ops.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Reads the server-sent events of {@code GET /api/v1/events}, one {@code stats} event's data at a time. */
final class EventReader implements AutoCloseable {
    private final HttpClient client = HttpClient.newHttpClient();
    private final InputStream body;
    private final BufferedReader lines;

    private EventReader(InputStream body) {
        this.body = body;
        this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    static EventReader open(String url, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            throw new AssertionError("events: status " + r.statusCode() + ": " + new String(r.body().readAllBytes()));
        }
        return new EventReader(r.body());
    }

    /** The next event's data as JSON, or an AssertionError after {@code timeout}. */
    JsonNode next(Duration timeout) throws Exception {
        CompletableFuture<String> data = CompletableFuture.supplyAsync(() -> {
            try {
                String event = null;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:") && "stats".equals(event)) {
                        return line.substring(5).trim();
                    }
                }
                throw new IOException("the stream ended");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            return new ObjectMapper().readTree(data.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            throw new AssertionError("no event within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw new AssertionError("reading events failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() throws IOException {
        body.close();
        client.close();
    }
}
