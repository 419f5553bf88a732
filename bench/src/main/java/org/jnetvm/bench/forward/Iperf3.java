package org.jnetvm.bench.forward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jnetvm.testsupport.Testbed;

/**
 * iperf3 between the two hosts of a {@link Testbed}: a one-off server in host B, a client in
 * host A, its JSON report read for the figure. Every run is bounded in time.
 */
public final class Iperf3 {
    /** Ethernet 14 + IPv4 20 + UDP 8 + 22 bytes of payload: a 64-byte frame on the wire (no FCS on a veth). */
    static final int UDP_PAYLOAD_FOR_64_BYTE_FRAMES = 22;

    /** A TCP run: what the server received. */
    public record Tcp(double gbps, long retransmits) {
    }

    /** A UDP run: datagrams the server received per second, and the share the client sent that was lost. */
    public record Udp(double pps, double lossPct, long sent) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** iperf3's own port; runs at the same time take others. */
    public static final int IPERF3_PORT = 5201;

    private Iperf3() {
    }

    static Tcp tcp(Testbed bed, int seconds) throws IOException, InterruptedException {
        return tcp(bed, seconds, IPERF3_PORT);
    }

    /** One TCP flow from host A to host B for {@code seconds}, server on {@code port}. */
    public static Tcp tcp(Testbed bed, int seconds, int port) throws IOException, InterruptedException {
        JsonNode end = run(bed, seconds, port, "--time", String.valueOf(seconds));
        JsonNode received = end.path("sum_received");
        return new Tcp(received.path("bits_per_second").asDouble() / 1e9,
                end.path("sum_sent").path("retransmits").asLong());
    }

    static Udp udp64(Testbed bed, int seconds) throws IOException, InterruptedException {
        return udp64(bed, seconds, IPERF3_PORT, 1);
    }

    /** {@code streams} unlimited UDP floods of 64-byte frames from host A to host B, server on {@code port}. */
    public static Udp udp64(Testbed bed, int seconds, int port, int streams) throws IOException, InterruptedException {
        JsonNode end = run(bed, seconds, port, "--udp", "--bitrate", "0", "--length",
                String.valueOf(UDP_PAYLOAD_FOR_64_BYTE_FRAMES), "--parallel", String.valueOf(streams),
                "--time", String.valueOf(seconds));
        JsonNode sum = end.path("sum");
        long packets = sum.path("packets").asLong();
        long lost = sum.path("lost_packets").asLong();
        double secs = sum.path("seconds").asDouble(seconds);
        return new Udp((packets - lost) / secs, sum.path("lost_percent").asDouble(), packets);
    }

    private static JsonNode run(Testbed bed, int seconds, int port, String... args) throws IOException, InterruptedException {
        Process server = bed.inHost(1, "iperf3", "--server", "--one-off", "--bind", bed.address(1), "--port",
                        String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            bed.awaitListening(1, "tcp", port, Duration.ofSeconds(10));
            String[] command = new String[args.length + 7];
            command[0] = "iperf3";
            command[1] = "--client";
            command[2] = bed.address(1);
            command[3] = "--json";
            command[4] = "--connect-timeout=5000";
            command[5] = "--port";
            command[6] = String.valueOf(port);
            System.arraycopy(args, 0, command, 7, args.length);
            Process client = bed.inHost(0, command).redirectErrorStream(true).start();
            String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!client.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
                client.destroyForcibly();
                throw new IOException("iperf3 client did not end within " + (seconds + 30) + " s");
            }
            JsonNode report = JSON.readTree(out);
            if (client.exitValue() != 0 || report.has("error")) {
                throw new IOException("iperf3 failed: " + report.path("error").asText(out.strip()));
            }
            return report.path("end");
        } finally {
            Testbed.stop(server);
        }
    }

}
