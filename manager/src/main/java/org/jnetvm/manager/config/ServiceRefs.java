package org.jnetvm.manager.config;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one rule for service references, used by {@link ManagerConfig}'s lookups and by the loader's checks: a
 * reference made of digits is an id, anything else a name.
 */
final class ServiceRefs {
    private ServiceRefs() {
    }

    static boolean isId(String ref) {
        return !ref.isEmpty() && ref.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    static Optional<ServiceConfig> find(List<ServiceConfig> services, String ref) {
        if (isId(ref)) {
            // Longer than any id up to 65535 with leading zeros to spare; parsing it could overflow.
            if (ref.length() > 9) {
                return Optional.empty();
            }
            int id = Integer.parseInt(ref);
            return services.stream().filter(s -> s.id() == id).findFirst();
        }
        return services.stream().filter(s -> ref.equals(s.name())).findFirst();
    }

    /** "service 'fw' is not defined (defined: monitor, fwd)", listing ids instead of names for an id reference. */
    static String undefined(String ref, List<ServiceConfig> services) {
        boolean byId = isId(ref);
        String defined = services.isEmpty()
                ? "none"
                : services.stream()
                        .map(s -> byId ? s.id() + " (" + s.name() + ")" : s.name())
                        .collect(Collectors.joining(", "));
        return (byId ? "service id " + ref : "service '" + ref + "'")
                + " is not defined (defined" + (byId ? " ids" : "") + ": " + defined + ")";
    }
}
