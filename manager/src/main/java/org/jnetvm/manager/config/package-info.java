/**
 * The manager's configuration: the records a YAML file maps to ({@link org.jnetvm.manager.config.ManagerConfig}
 * and its sections), and {@link org.jnetvm.manager.config.ConfigLoader}, which reads a file, refuses a malformed one
 * with a {@link org.jnetvm.manager.config.ConfigException} naming file, line, field and remedy, and resolves service
 * references, all before the manager starts anything.
 */
package org.jnetvm.manager.config;
