package org.jnetvm.bench.ring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The frequency of the time-stamp counter, which DPDK's rte_rdtsc() counts: JMH measures
 * nanoseconds, DPDK reports TSC cycles, and cycles = ns x GHz converts one into the other.
 *
 * <p>Sources, best first: {@code /sys/devices/system/cpu/cpu0/tsc_freq_khz} (exact, present
 * on some kernels); {@code /proc/cpuinfo} "cpu MHz", which is the kernel's TSC frequency when
 * no cpufreq driver is loaded (typical in VMs; the "tsc_known_freq" flag says the hypervisor
 * told the kernel) but the current core clock when one is; DPDK's EAL estimate, read from the
 * dpdk-test output (rounded to 10 MHz). Any thread may call.
 */
public record TscFrequency(double ghz, String source) {

    private static final Path SYSFS_TSC = Path.of("/sys/devices/system/cpu/cpu0/tsc_freq_khz");
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static final Path CPUFREQ = Path.of("/sys/devices/system/cpu/cpu0/cpufreq");
    private static final Pattern CPU_MHZ = Pattern.compile("(?m)^cpu MHz\\s*:\\s*([0-9.]+)");
    private static final Pattern EAL_TSC = Pattern.compile("TSC frequency is ~([0-9]+) KHz");

    /** Reads the machine's files; empty when neither sysfs nor /proc/cpuinfo says. */
    public static Optional<TscFrequency> detect() {
        try {
            if (Files.isReadable(SYSFS_TSC)) {
                double khz = Double.parseDouble(Files.readString(SYSFS_TSC).trim());
                return Optional.of(new TscFrequency(khz / 1e6, SYSFS_TSC.toString()));
            }
            if (Files.isReadable(CPUINFO)) {
                return fromCpuinfo(Files.readString(CPUINFO), Files.isDirectory(CPUFREQ));
            }
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** Parses the first "cpu MHz" line of {@code /proc/cpuinfo} text. */
    static Optional<TscFrequency> fromCpuinfo(String cpuinfo, boolean cpufreqDriver) {
        Matcher m = CPU_MHZ.matcher(cpuinfo);
        if (!m.find()) {
            return Optional.empty();
        }
        boolean knownFreq = cpuinfo.contains(" tsc_known_freq");
        String source = "/proc/cpuinfo \"cpu MHz\" ("
                + (cpufreqDriver ? "a cpufreq driver is loaded: this may be the core clock, not the TSC"
                        : "no cpufreq driver: the kernel's TSC frequency")
                + (knownFreq ? ", tsc_known_freq" : "") + ")";
        return Optional.of(new TscFrequency(Double.parseDouble(m.group(1)) / 1000.0, source));
    }

    /** DPDK EAL's "TSC frequency is ~N KHz" debug line, if the output has one. */
    public static Optional<TscFrequency> fromDpdkOutput(String output) {
        Matcher m = EAL_TSC.matcher(output);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new TscFrequency(Long.parseLong(m.group(1)) / 1e6, "DPDK EAL estimate (dpdk-test log)"));
    }
}
