package dev.eventloop.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** What the reports say about the machine, and the machine-wide CPU counter used to spot noise. */
public final class MachineInfo {
    private MachineInfo() {
    }

    /** The number of cores the JVM sees. */
    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The CPU model, from {@code /proc/cpuinfo} where there is one. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: say nothing
        }
        return "unknown CPU";
    }

    /** Total memory in GiB, as the OS reports it. */
    static String memory() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kb = Long.parseLong(line.replaceAll("\\D", ""));
                    return Math.round(kb / 1024.0 / 1024.0) + " GiB";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        Object os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean bean) {
            return Math.round(bean.getTotalMemorySize() / 1024.0 / 1024 / 1024) + " GiB";
        }
        return "unknown";
    }

    /** The machine in one line: cores, CPU model, memory, operating system. */
    public static String machine() {
        return cores() + " cores (" + cpuModel() + "), " + memory() + ", " + os();
    }

    /** The operating system, e.g. {@code Linux 6.1.0 (amd64)}. */
    static String os() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")";
    }

    /** The JDK, e.g. {@code OpenJDK 64-Bit Server VM 17.0.15+6}. */
    public static String jdk() {
        return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vendor") + ")";
    }

    /**
     * CPU seconds the whole machine has spent busy (all cores, all processes) since boot, from the
     * first line of {@code /proc/stat}; -1 where there is no such file. The difference over a
     * window, minus the server's and the load generator's own CPU time, is what everything else
     * on the machine used meanwhile.
     */
    static double machineBusySeconds() {
        Path stat = Paths.get("/proc/stat");
        try {
            List<String> lines = Files.readAllLines(stat);
            String[] f = lines.get(0).trim().split("\\s+"); // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) {
                if (i != 4 && i != 5) { // idle and iowait are not busy
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / 100.0; // USER_HZ
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
