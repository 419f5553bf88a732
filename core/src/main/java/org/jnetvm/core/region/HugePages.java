package org.jnetvm.core.region;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** What the machine offers in huge pages: a hugetlbfs mount and free 2 MiB pages. Read from /proc. */
public record HugePages(Path mountPoint, long pageSize, long freePages) {

    /** The first hugetlbfs mount with the default page size, if any. */
    public static Optional<HugePages> detect() {
        try {
            long pageSize = meminfo("Hugepagesize:") * 1024;
            long free = meminfo("HugePages_Free:");
            List<String> mounts = Files.readAllLines(Path.of("/proc/mounts"));
            for (String line : mounts) {
                String[] f = line.split(" ");
                if (f.length >= 4 && f[2].equals("hugetlbfs") && !f[3].contains("pagesize=1G")
                        && Files.isWritable(Path.of(f[1]))) {
                    return Optional.of(new HugePages(Path.of(f[1]), pageSize, free));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static long meminfo(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    /** Whether {@code bytes} (rounded up to pages) fit in the free pages. */
    public boolean fits(long bytes) {
        return pageSize > 0 && (bytes + pageSize - 1) / pageSize <= freePages;
    }
}
