package org.jnetvm.manager.config;

/**
 * The operator's HTTP surface ({@code api:}): the REST API, the live dashboard and Prometheus {@code /metrics}, served
 * by the manager's process off the data plane (module {@code ops}). It listens on the loopback interface unless told
 * otherwise; any other bind address needs a {@code token}, which every request must then bring as
 * {@code Authorization: Bearer <token>}.
 *
 * @param enabled whether the manager serves the API at all
 * @param bind    the address to listen on: an IP address literal or {@code localhost}
 * @param port    the TCP port; 0 picks a free one (tests), which the manager logs
 * @param token   the Bearer token requests must carry; {@code null} for none (allowed on a loopback bind only)
 */
public record ApiConfig(boolean enabled, String bind, int port, String token) {

    /** What an absent {@code api:} key, or an absent key inside it, means. */
    static final ApiConfig DEFAULTS = new ApiConfig(true, "127.0.0.1", 8080, null);

    /** A config with the API on {@code 127.0.0.1} at a free port and no token: for tests and tools. */
    public static ApiConfig loopbackAnyPort() {
        return new ApiConfig(true, "127.0.0.1", 0, null);
    }

    /** What the record prints: never the token itself. */
    @Override
    public String toString() {
        return "ApiConfig[enabled=" + enabled + ", bind=" + bind + ", port=" + port + ", token="
                + (token == null ? "none" : "(set)") + "]";
    }
}
