package org.jnetvm.manager.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuControllerTest {
    @TempDir
    Path dir;

    Path mountinfo(String... lines) throws IOException {
        return Files.writeString(dir.resolve("mountinfo"), String.join("\n", lines) + "\n");
    }

    @Test
    void findsAWritableV1CpuControllerBeforeV2() throws IOException {
        Path cpu = Files.createDirectories(dir.resolve("cpu"));
        Files.writeString(cpu.resolve("cpu.shares"), "1024\n");
        Path unified = Files.createDirectories(dir.resolve("unified"));
        Files.writeString(unified.resolve("cgroup.controllers"), "cpu memory\n");
        var found = CpuController.detect(mountinfo(
                "30 25 0:26 / " + unified + " rw,nosuid shared:4 - cgroup2 cgroup2 rw",
                "34 25 0:30 / " + cpu + " rw,nosuid shared:8 - cgroup cgroup rw,cpu,cpuacct"));
        assertThat(found.controller()).contains(new CpuController(cpu, 1));
    }

    @Test
    void saysWhyThereIsNone() throws IOException {
        Path unified = Files.createDirectories(dir.resolve("unified"));
        Files.writeString(unified.resolve("cgroup.controllers"), "memory pids\n");
        var v2only = CpuController.detect(mountinfo("30 25 0:26 / " + unified + " rw - cgroup2 cgroup2 rw"));
        assertThat(v2only.controller()).isEmpty();
        assertThat(v2only.reason()).contains("has no cpu controller");
        var nothing = CpuController.detect(mountinfo("22 1 8:1 / / rw - ext4 /dev/sda1 rw"));
        assertThat(nothing.reason()).isEqualTo("no cgroup hierarchy with a cpu controller is mounted");
        assertThat(CpuController.detect(dir.resolve("absent")).reason()).startsWith("cannot read");
    }

    @Test
    void thisMachinesControllerIsFoundAsItsDocsSay() {
        var found = CpuController.detect(Path.of("/proc/self/mountinfo"));
        if (Files.isWritable(Path.of("/sys/fs/cgroup/cpu/cpu.shares"))) { // the CI machine: cgroup v1, as root
            assertThat(found.controller()).contains(new CpuController(Path.of("/sys/fs/cgroup/cpu"), 1));
        } else {
            assertThat(found.reason()).isNotBlank();
        }
    }
}
