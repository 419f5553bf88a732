package org.jnetvm.nfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import picocli.CommandLine.Option;

/** The options aes_encrypt and aes_decrypt share (a picocli mixin), and reading the key. */
final class AesOptions {

    @Option(names = "--key", paramLabel = "HEX",
            description = "AES key as 32, 48 or 64 hex digits (AES-128/192/256). Visible in ps: prefer --key-file.")
    String keyHex;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = "File holding the key: 16, 24 or 32 raw bytes, or 32, 48 or 64 hex digits (blanks ignored).")
    Path keyFile;

    @Option(names = "--udp-port", defaultValue = "any", paramLabel = "PORTS",
            description = "Only UDP datagrams from or to these ports: a port, LO-HI or any (default ${DEFAULT-VALUE});"
                    + " others pass unchanged.")
    String udpPorts;

    /** The key, from exactly one of --key and --key-file. */
    byte[] key() {
        if ((keyHex == null) == (keyFile == null)) {
            throw new IllegalArgumentException("give the key with exactly one of --key HEX and --key-file FILE");
        }
        if (keyHex != null) {
            return hexKey(keyHex, "--key");
        }
        byte[] raw;
        try {
            raw = Files.readAllBytes(keyFile);
        } catch (IOException e) {
            throw new IllegalArgumentException("--key-file " + keyFile + ": cannot read it: " + e);
        }
        if (raw.length == 16 || raw.length == 24 || raw.length == 32) {
            return raw;
        }
        return hexKey(new String(raw, StandardCharsets.US_ASCII).replaceAll("\\s+", ""), "--key-file " + keyFile);
    }

    private static byte[] hexKey(String hex, String where) {
        if (hex.length() != 32 && hex.length() != 48 && hex.length() != 64) {
            throw new IllegalArgumentException(where + ": an AES key is 32, 48 or 64 hex digits (or 16, 24 or 32 raw"
                    + " bytes in a file), not " + hex.length() + " characters");
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": not hex digits: " + e.getMessage());
        }
    }

    /** {lo, hi} of --udp-port. */
    int[] ports() {
        try {
            return Addresses.portRange(udpPorts);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--udp-port: " + e.getMessage());
        }
    }
}
