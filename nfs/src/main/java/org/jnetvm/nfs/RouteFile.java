package org.jnetvm.nfs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jnetvm.core.packet.FiveTuple;
import picocli.CommandLine;

/**
 * The router's routes as read from a file, before port names are known to be ports (that
 * needs the manager: see {@link IpRouter#init}).
 *
 * <p>Format, one route per line ({@code #} comments):
 * <pre>
 * PREFIX  PORT  [NEXT-HOP-MAC]
 * 10.1.0.0/16   p1   02:00:00:00:01:01
 * 0.0.0.0/0     p0
 * </pre>
 * PREFIX is an IPv4 CIDR (or one address); PORT a port name (or number) of the manager; the
 * MAC, when given, becomes the destination MAC of the frames the route sends.
 */
record RouteFile(Path file, List<Route> routes) {

    /** One line of the file. */
    record Route(int line, Prefix prefix, String port, long mac) {
        static final long NO_MAC = -1;
    }

    static RouteFile read(Path file) {
        List<Route> routes = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (RuleFile.Line l : RuleFile.read(file)) {
            if (l.words().size() < 2 || l.words().size() > 3) {
                throw l.error("expected 'PREFIX PORT [NEXT-HOP-MAC]', e.g. 10.1.0.0/16 p1 02:00:00:00:01:01; found "
                        + l.words().size() + " words");
            }
            Prefix prefix;
            try {
                prefix = Addresses.prefix(l.words().get(0));
            } catch (IllegalArgumentException e) {
                throw l.error(e.getMessage());
            }
            if (prefix.family() != FiveTuple.FAMILY_IPV4) {
                throw l.error(prefix + " is IPv6; the router routes IPv4 only");
            }
            long mac = Route.NO_MAC;
            if (l.words().size() == 3) {
                try {
                    mac = Addresses.mac(l.words().get(2));
                } catch (IllegalArgumentException e) {
                    throw l.error(e.getMessage());
                }
            }
            Integer first = seen.putIfAbsent(prefix.toString(), l.number());
            if (first != null) {
                throw l.error(prefix + " is already routed on line " + first);
            }
            routes.add(new Route(l.number(), prefix, l.words().get(1), mac));
        }
        if (routes.isEmpty()) {
            throw new RuleFileException(file, 0, "holds no routes (blank and # lines are skipped)");
        }
        return new RouteFile(file, routes);
    }

    /** picocli: {@code --routes FILE} is read and checked while the options are parsed. */
    static final class Reader implements CommandLine.ITypeConverter<RouteFile> {
        @Override
        public RouteFile convert(String value) {
            try {
                return read(Path.of(value));
            } catch (RuleFileException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
