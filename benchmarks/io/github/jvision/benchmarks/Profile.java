package io.github.jvision.benchmarks;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the time goes, per layer kind and per operation, from a Java Flight Recorder recording of
 * any run (the JDK's sampling profiler: no instrumentation, so the step is timed as it runs). Each
 * sample of the main thread, in Java code or in a native ND4J call, is charged to the innermost
 * frame that is a layer, a layer helper, a graph vertex or the updater, and to the native operation
 * it was in ({@code execCustomOp2} for libnd4j's custom ops such as conv2d and batchnorm_bp,
 * {@code execTransformAny} for copies, {@code memset} for zeroing). Arguments: the .jfr file.
 * <pre>echo "time resnet50 train 16 224 1 4" | java -XX:StartFlightRecording=filename=train.jfr,settings=profile \
 *     -cp target/test-classes:target/classes:$(cat target/bench.cp) io.github.jvision.benchmarks.CompareWorker jvision
 * java -cp target/test-classes:target/classes:$(cat target/bench.cp) io.github.jvision.benchmarks.Profile train.jfr</pre>
 */
public final class Profile {
    private static final Pattern OWNER = Pattern.compile(
            "\\.nn\\.layers\\.|\\.mkldnn\\.|io\\.github\\.jvision\\.nn\\.|\\.graph\\.vertex\\.impl\\.|\\.updater\\.|ComputationGraph$");

    public static void main(String[] args) throws IOException {
        Map<String, Integer> byOwner = new HashMap<>();
        Map<String, Integer> byOp = new HashMap<>();
        int total = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            String type = e.getEventType().getName();
            if (!(type.equals("jdk.ExecutionSample") || type.equals("jdk.NativeMethodSample"))
                    || e.getStackTrace() == null || !"main".equals(e.getThread("sampledThread").getJavaName())) {
                continue;
            }
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            String owner = "(elsewhere)";
            for (RecordedFrame f : frames) {
                String cls = f.getMethod().getType().getName();
                if (OWNER.matcher(cls).find()) {
                    owner = cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
                    break;
                }
            }
            String op = frames.isEmpty() ? "?" : frames.get(0).getMethod().getName();
            byOwner.merge(owner, 1, Integer::sum);
            byOp.merge(op, 1, Integer::sum);
            total++;
        }
        print("layer, helper or vertex method", byOwner, total, 20);
        print("innermost method (native ND4J call or Java)", byOp, total, 10);
    }

    private static void print(String title, Map<String, Integer> counts, int total, int limit) {
        System.out.printf("| %s | samples | share |%n|---|---:|---:|%n", title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .forEach(c -> System.out.printf("| %s | %d | %.1f%% |%n", c.getKey(), c.getValue(),
                        100.0 * c.getValue() / total));
        System.out.println();
    }
}
