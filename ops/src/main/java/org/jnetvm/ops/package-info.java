/**
 * The operator surface (part 8 of the design): what people and monitoring read and change while the manager runs.
 *
 * <ul>
 *   <li>{@link org.jnetvm.ops.view} — JSON views of the counters in shared memory, shared by the REST API, the
 *       dashboard's event stream and {@code jnetvm stats --json};</li>
 *   <li>{@link org.jnetvm.ops.metrics} — the Prometheus text exposition of the same counters;</li>
 *   <li>{@link org.jnetvm.ops.api} — the HTTP server (Javalin on virtual threads): REST API, live dashboard,
 *       {@code /metrics}, OpenAPI description, Bearer token.</li>
 * </ul>
 *
 * <p>A module of its own so that the manager (data plane, control socket, NF lifecycles) carries no web server: this
 * module only reads counters from shared memory and calls the manager's public control methods, never a data-plane
 * structure, so nothing here can slow a packet down but the CPU time it takes.
 */
package org.jnetvm.ops;
