package org.jnetvm.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logging of the CLI, the manager and NF processes, set up in code rather than from a
 * {@code logback.xml}: every NF process starts logback, and Joran's XML parsing cost each one
 * tens of milliseconds of its start (see bench/README.md, nf-start). What it sets up is what
 * that file said: everything at {@code JNETVM_LOG_LEVEL} (a system property or environment
 * variable; INFO when neither is set) to standard error as
 * {@code HH:mm:ss.SSS LEVEL Logger: message}.
 *
 * <p>Found by logback through {@code META-INF/services}. It steps aside, leaving logback's own
 * lookup, when {@code -Dlogback.configurationFile} names a file or a {@code logback-test.xml}
 * is on the class path.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0}: %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("STDERR");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Level rootLevel = Level.toLevel(level(), Level.INFO);
        root.setLevel(rootLevel);
        root.addAppender(appender);
        // At the default level the web server's start and stop lines say nothing an operator
        // needs; its warnings do. JNETVM_LOG_LEVEL=DEBUG shows them all.
        if (rootLevel == Level.INFO) {
            context.getLogger("org.eclipse.jetty").setLevel(Level.WARN);
            context.getLogger("io.javalin").setLevel(Level.WARN);
        }
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static String level() {
        String level = System.getProperty("JNETVM_LOG_LEVEL");
        if (level == null) {
            level = System.getenv("JNETVM_LOG_LEVEL");
        }
        return level == null || level.isBlank() ? "INFO" : level.strip();
    }
}
