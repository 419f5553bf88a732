package org.jnetvm.nfs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jnetvm.core.packet.FiveTuple;
import picocli.CommandLine;

/**
 * The load balancer's backends as read from a file.
 *
 * <p>Format, one backend per line ({@code #} comments):
 * <pre>
 * NAME  IPV4  MAC  [up|down]
 * web1  10.0.1.1  02:00:00:00:01:01
 * web2  10.0.1.2  02:00:00:00:01:02  down
 * </pre>
 * A backend that is {@code down} gets no new connections; the ones it has stay with it.
 */
record BackendFile(Path file, List<Backend> backends) {

    /** One backend: address as a network-order int, MAC in the low 48 bits. */
    record Backend(int line, String name, int ip, long mac, boolean up) {
        /** Same backend, perhaps another health. */
        boolean sameAs(Backend o) {
            return name.equals(o.name) && ip == o.ip && mac == o.mac;
        }
    }

    static BackendFile read(Path file) {
        List<Backend> backends = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        Map<Integer, Integer> ips = new HashMap<>();
        for (RuleFile.Line l : RuleFile.read(file)) {
            if (l.words().size() < 3 || l.words().size() > 4) {
                throw l.error("expected 'NAME IP MAC [up|down]', e.g. web1 10.0.1.1 02:00:00:00:01:01; found "
                        + l.words().size() + " words");
            }
            String name = l.words().get(0);
            int ip;
            long mac;
            try {
                Prefix p = Addresses.prefix(l.words().get(1));
                if (p.family() != FiveTuple.FAMILY_IPV4 || p.length() != 32) {
                    throw new IllegalArgumentException("'" + l.words().get(1) + "' is not one IPv4 address");
                }
                ip = p.ipv4();
                mac = Addresses.mac(l.words().get(2));
            } catch (IllegalArgumentException e) {
                throw l.error(e.getMessage());
            }
            boolean up = true;
            if (l.words().size() == 4) {
                switch (l.words().get(3)) {
                    case "up" -> up = true;
                    case "down" -> up = false;
                    default -> throw l.error("'" + l.words().get(3) + "' is not up or down");
                }
            }
            Integer first = names.putIfAbsent(name, l.number());
            if (first != null) {
                throw l.error("backend " + name + " is already named on line " + first);
            }
            first = ips.putIfAbsent(ip, l.number());
            if (first != null) {
                throw l.error(l.words().get(1) + " is already the address of the backend on line " + first);
            }
            backends.add(new Backend(l.number(), name, ip, mac, up));
        }
        if (backends.isEmpty()) {
            throw new RuleFileException(file, 0, "holds no backends (blank and # lines are skipped)");
        }
        return new BackendFile(file, backends);
    }

    /** picocli: {@code --backends FILE} is read and checked while the options are parsed. */
    static final class Reader implements CommandLine.ITypeConverter<BackendFile> {
        @Override
        public BackendFile convert(String value) {
            try {
                return read(Path.of(value));
            } catch (RuleFileException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
