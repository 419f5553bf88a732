package org.jnetvm.manager.config;

/**
 * Where the manager's control server listens ({@code control:}); NFs connect there to register. Read the resolved
 * path through {@link ManagerConfig#controlSocket()}.
 *
 * @param socket Unix-domain socket path; {@code null} means {@code /tmp/jnetvm-<region name>.sock}
 */
public record ControlConfig(String socket) {

    /** What an absent {@code control:} key means. */
    static final ControlConfig DEFAULTS = new ControlConfig(null);
}
