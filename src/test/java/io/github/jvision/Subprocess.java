package io.github.jvision;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command run by a test (Python, Maven, a script), its output (stdout and stderr) kept in a log
 * file, killed when it outlives its time.
 *
 * @param exitCode the command's exit code; -1 if it was killed for running too long
 * @param output   what it printed
 */
public record Subprocess(int exitCode, String output) {
    /** Runs {@code command} in the project directory, logging to {@code log}, for at most {@code timeout}. */
    public static Subprocess run(List<String> command, Path log, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String output = Files.readString(log, StandardCharsets.UTF_8);
            return new Subprocess(done ? p.exitValue() : -1, done ? output : output + "\n(killed after " + timeout + ")");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
