package org.jnetvm.manager.sched;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the kernel's cpu controller is, and how to write a share to it: cgroup v1 ({@code cpu.shares}, 2..262144,
 * 1024 the default) or cgroup v2 ({@code cpu.weight}, 1..10000, 100 the default). Found from
 * {@code /proc/self/mountinfo}; v1 is preferred where both exist, because on a hybrid system (this project's CI
 * machine) v2's hierarchy often has no cpu controller.
 *
 * @param root    the hierarchy's directory in which the manager makes NF cgroups
 * @param version 1 or 2
 */
public record CpuController(Path root, int version) {
    public static final int V1_MIN = 2;
    public static final int V1_MAX = 262_144;

    /** The file a share is written to. */
    public String shareFile() {
        return version == 1 ? "cpu.shares" : "cpu.weight";
    }

    /** {@code share} (in v1 units, 1024 = one default task group) as this version writes it. */
    public long value(long share) {
        long v1 = Math.clamp(share, V1_MIN, V1_MAX);
        return version == 1 ? v1 : 1 + (v1 - V1_MIN) * 9_999 / (V1_MAX - V1_MIN); // systemd's mapping
    }

    /** The result of {@link #detect}: a controller, or why there is none. */
    public record Detection(Optional<CpuController> controller, String reason) {
    }

    /** Looks for a writable cpu controller in {@code mountinfo} (normally /proc/self/mountinfo). */
    public static Detection detect(Path mountinfo) {
        List<String> lines;
        try {
            lines = Files.readAllLines(mountinfo);
        } catch (IOException e) {
            return new Detection(Optional.empty(), "cannot read " + mountinfo + ": " + e.getMessage());
        }
        Path v2 = null;
        for (String line : lines) {
            // id parent major:minor root mountpoint options [optional fields] - fstype source superoptions
            String[] halves = line.split(" - ", 2);
            String[] left = halves[0].split(" ");
            if (halves.length < 2 || left.length < 5) {
                continue;
            }
            String[] right = halves[1].split(" ");
            Path mountPoint = Path.of(left[4].replace("\\040", " "));
            if (right[0].equals("cgroup") && right.length >= 3
                    && List.of(right[2].split(",")).contains("cpu")) {
                if (Files.isWritable(mountPoint.resolve("cpu.shares"))) {
                    return new Detection(Optional.of(new CpuController(mountPoint, 1)), "cgroup v1 at " + mountPoint);
                }
                return new Detection(Optional.empty(), "the cgroup v1 cpu controller at " + mountPoint
                        + " is not writable (run the manager as root, or delegate it)");
            }
            if (right[0].equals("cgroup2") && v2 == null) {
                v2 = mountPoint;
            }
        }
        if (v2 != null) {
            try {
                boolean cpu = List.of(Files.readString(v2.resolve("cgroup.controllers")).trim().split(" ")).contains("cpu");
                if (cpu && Files.isWritable(v2.resolve("cgroup.subtree_control"))) {
                    return new Detection(Optional.of(new CpuController(v2, 2)), "cgroup v2 at " + v2);
                }
                return new Detection(Optional.empty(), "the cgroup v2 hierarchy at " + v2
                        + (cpu ? " is not writable" : " has no cpu controller") + ", and there is no cgroup v1 cpu controller");
            } catch (IOException e) {
                return new Detection(Optional.empty(), "cannot read " + v2.resolve("cgroup.controllers") + ": " + e);
            }
        }
        return new Detection(Optional.empty(), "no cgroup hierarchy with a cpu controller is mounted");
    }
}
