package io.github.jvision.cli;

import io.github.jvision.Backend;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;

/** Entry point of the {@code jvision} command. Usage errors and bad input: one line on stderr, exit code 2. */
@Command(name = "jvision", mixinStandardHelpOptions = true, version = "jvision 0.1.0",
        description = "Image classification on ND4J/DL4J: train, evaluate and inspect models.",
        subcommands = {TrainCommand.class, EvalCommand.class, PredictCommand.class, SummaryCommand.class,
                ModelsCommand.class, AugmentCommand.class, ForwardCommand.class,
                FinetuneCommand.class, ExportCommand.class})
public final class Main implements Runnable {
    /** Exit code for usage errors and bad input. */
    public static final int USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (train, finetune, eval, predict, forward, export, summary, models, augment)");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        setDefault("java.awt.headless", "true");
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        // Spark's and Hadoop's warnings about this machine (loopback hostname, no native Hadoop) are
        // noise for train --spark; their errors still show
        setDefault("org.slf4j.simpleLogger.log.org.apache.spark", "error");
        setDefault("org.slf4j.simpleLogger.log.org.apache.hadoop", "error");
        Backend.init();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("jvision: " + e.getMessage() + " (see: jvision " + commandName(e.getCommandLine()) + " --help)");
            return USAGE;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Exception cause = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
            if (isUserError(cause)) {
                err.println("jvision: error: " + oneLine(cause.getMessage()));
                return USAGE;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** Bad input the user can fix: reported in one line, not as a stack trace. */
    static boolean isUserError(Exception e) {
        return e instanceof IllegalArgumentException || e instanceof IOException
                || e instanceof io.github.jvision.train.TrainingDivergedException;
    }

    /** Messages from DL4J can span lines; the CLI's error is one. */
    static String oneLine(String message) {
        return String.valueOf(message).strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String commandName(CommandLine c) {
        String name = c.getCommandName();
        return "jvision".equals(name) ? "" : name;
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
