package dev.eventloop.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** Reads a runner's options with picocli, from {@code -Dbench.args="..."}. */
public final class CommandLineOptions {
    private CommandLineOptions() {
    }

    /**
     * Fills {@code options}, an object with picocli's {@code @Option} fields, from {@code args}.
     * Blank words are dropped: an empty {@code -Dbench.args} reaches {@code main} as one.
     *
     * @throws CommandLine.ParameterException for an unknown option or a bad value, with picocli's message
     */
    public static <T> T parse(T options, String... args) {
        return CommandLine.populateCommand(options, Arrays.stream(args).filter(a -> !a.isBlank()).toArray(String[]::new));
    }

    /**
     * The words a report quotes as the command's {@code -Dbench.args}: what was given, blank words
     * and {@code --root DIR} (which the pom adds) left out.
     */
    public static List<String> asGiven(String... args) {
        List<String> shown = new ArrayList<>(Arrays.stream(args).filter(a -> !a.isBlank()).toList());
        int root = shown.indexOf("--root");
        if (root >= 0) {
            shown.subList(root, Math.min(root + 2, shown.size())).clear();
        }
        return shown;
    }
}
