package org.jnetvm.manager.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real cgroups: the machine's cpu controller (cgroup v1 here, as root in CI). */
class NfCgroupsTest {
    CpuController controller;
    Process child;

    @BeforeEach
    void controller() {
        var found = CpuController.detect(Path.of("/proc/self/mountinfo"));
        assumeThat(found.controller()).as("a writable cpu controller: %s", found.reason()).isPresent();
        controller = found.controller().get();
    }

    @AfterEach
    void kill() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    Process sleeper() throws Exception {
        child = new ProcessBuilder("sleep", "60").start();
        return child;
    }

    String procsOf(Path dir) throws Exception {
        return Files.readString(dir.resolve("cgroup.procs")).trim();
    }

    @Test
    void anNfGoesIntoItsOwnCgroupGetsItsShareAndTheCgroupGoesWhenItDoes() throws Exception {
        Process nf = sleeper();
        NfCgroups cgroups = new NfCgroups(controller, "cgtest", ProcessHandle.current().pid());
        Path dir = cgroups.place(3, nf.pid(), 2500);
        try {
            assertThat(Files.readString(dir.resolve(controller.shareFile())).trim())
                    .as("placed with its starting share").isEqualTo(Long.toString(controller.value(2500)));
            assertThat(dir.getFileName().toString()).isEqualTo("jnetvm-cgtest-" + ProcessHandle.current().pid()
                    + "-nf3-" + nf.pid());
            assertThat(procsOf(dir)).isEqualTo(Long.toString(nf.pid()));
            assertThat(cgroups.share(3, 3000)).isTrue();
            assertThat(Files.readString(dir.resolve(controller.shareFile())).trim())
                    .isEqualTo(Long.toString(controller.value(3000)));
            assertThat(cgroups.share(4, 3000)).as("slot 4 has no cgroup").isFalse();
        } finally {
            cgroups.release(3); // the process still runs: it goes back to the root first
        }
        assertThat(dir).doesNotExist();
        assertThat(nf.isAlive()).isTrue();
        assertThat(Files.readString(Path.of("/proc", Long.toString(nf.pid()), "cgroup"))).doesNotContain("jnetvm-");
    }

    @Test
    void theNfsOfOneHostShareOneCgroupThatGoesWithTheLastOfThem() throws Exception {
        Process host = sleeper(); // an NF host: one process, three NF slots
        try (NfCgroups cgroups = new NfCgroups(controller, "host-test", ProcessHandle.current().pid())) {
            Path group = cgroups.place(5, host.pid(), 4096);
            assertThat(cgroups.place(6, host.pid(), 4096)).isEqualTo(group);
            assertThat(cgroups.place(7, host.pid(), 4096)).isEqualTo(group);
            assertThat(cgroups.members(group)).containsExactlyInAnyOrder(5, 6, 7);
            assertThat(procsOf(group)).isEqualTo(Long.toString(host.pid()));
            cgroups.writeShare(group, 3 * 4096);
            assertThat(Files.readString(group.resolve(controller.shareFile())).trim())
                    .isEqualTo(Long.toString(controller.value(3 * 4096)));
            cgroups.release(5);
            cgroups.release(6);
            assertThat(group).as("one NF of the host is still in it").exists();
            cgroups.release(7);
            assertThat(group).doesNotExist();
            assertThat(host.isAlive()).isTrue();
        }
    }

    @Test
    void cgroupsOfADeadManagerAreRemovedAtStartOnesOfALiveOneStay() throws Exception {
        Process orphan = sleeper(); // an NF that outlived its manager
        Process deadManager = new ProcessBuilder("true").start();
        deadManager.waitFor(10, TimeUnit.SECONDS);
        NfCgroups ofTheDead = new NfCgroups(controller, "stale-test", deadManager.pid());
        Path stale = ofTheDead.place(0, orphan.pid(), 1024);
        NfCgroups ofTheLiving = new NfCgroups(controller, "stale-test", ProcessHandle.current().pid());
        Path live = ofTheLiving.place(1, orphan.pid(), 1024); // the orphan moves here: the stale one is empty now
        Process other = new ProcessBuilder("sleep", "60").start(); // another NF of the dead manager, still running
        Path staleWithProcess = ofTheDead.place(2, other.pid(), 1024);
        try {
            assertThat(NfCgroups.removeStale(controller)).isGreaterThanOrEqualTo(2);
            assertThat(stale).doesNotExist();
            assertThat(staleWithProcess).doesNotExist();
            assertThat(live).exists();
            assertThat(orphan.isAlive()).isTrue();
            assertThat(other.isAlive()).as("moved back to the root, not killed").isTrue();
        } finally {
            ofTheLiving.close();
            ofTheDead.close();
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(live).doesNotExist();
    }

    @Test
    void theManagerPidIsReadFromTheEndOfTheName() {
        assertThat(NfCgroups.managerPidOf("jnetvm-my-region-1234-nf7-999")).isEqualTo(1234);
        assertThat(NfCgroups.managerPidOf("jnetvm-other")).isEqualTo(-1);
        assertThat(NfCgroups.managerPidOf("jnetvm-r-x-nf1-2")).isEqualTo(-1);
    }
}
