package org.jnetvm.nfs;

import picocli.CommandLine;

/** picocli: a MAC option ({@code 02:00:00:00:00:01}) as the low 48 bits of a Long, checked while parsing. */
final class MacConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return Addresses.mac(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
