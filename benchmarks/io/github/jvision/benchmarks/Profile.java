package io.github.jvision.benchmarks;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the time goes, per layer kind and per operation, from a Java Flight Recorder recording of
 * any run (the JDK's sampling profiler: no instrumentation, so the step is timed as it runs). Each
 * sample of the main thread, in Java code or in a native ND4J call, is charged to the innermost
 * frame that is a layer, a layer helper, a graph vertex or the updater, and to the native operation
 * it was in, each sample weighted by its sampling period ({@code execCustomOp2} for libnd4j's custom ops such as conv2d and batchnorm_bp,
 * {@code execTransformAny} for copies, {@code memset} for zeroing). Arguments: the .jfr file.
 * <pre>echo "time resnet50 train 16 224 1 4" | java -XX:StartFlightRecording=filename=train.jfr,settings=profile \
 *     -cp target/test-classes:target/classes:$(cat target/bench.cp) io.github.jvision.benchmarks.CompareWorker jvision
 * java -cp target/test-classes:target/classes:$(cat target/bench.cp) io.github.jvision.benchmarks.Profile train.jfr</pre>
 */
public final class Profile {
    private static final Pattern MILLIS = Pattern.compile("(\\d+(?:\\.\\d+)?) ms");
    private static final Pattern OWNER = Pattern.compile(
            "\\.nn\\.layers\\.|\\.mkldnn\\.|io\\.github\\.jvision\\.nn\\.|\\.graph\\.vertex\\.impl\\.|\\.updater\\.|ComputationGraph$");

    public static void main(String[] args) throws IOException {
        List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(args[0]));
        // Java and native samples are taken at different periods (10 and 20 ms in JFR's "profile"
        // settings): each sample stands for its own period, read from the recording's settings
        Map<Long, Double> periodMs = new HashMap<>();
        for (RecordedEvent e : events) {
            if (e.getEventType().getName().equals("jdk.ActiveSetting") && e.getString("name").equals("period")) {
                Matcher m = MILLIS.matcher(e.getString("value"));
                if (m.matches()) {
                    periodMs.put(e.getLong("id"), Double.parseDouble(m.group(1)));
                }
            }
        }
        Map<String, Double> byOwner = new HashMap<>();
        Map<String, Double> byOp = new HashMap<>();
        double total = 0;
        for (RecordedEvent e : events) {
            String type = e.getEventType().getName();
            if (!(type.equals("jdk.ExecutionSample") || type.equals("jdk.NativeMethodSample"))
                    || e.getStackTrace() == null || !"main".equals(e.getThread("sampledThread").getJavaName())) {
                continue;
            }
            double ms = periodMs.getOrDefault(e.getEventType().getId(), 10.0);
            List<RecordedFrame> frames = e.getStackTrace().getFrames();
            String owner = "(elsewhere)";
            for (RecordedFrame f : frames) {
                String cls = f.getMethod().getType().getName();
                if (OWNER.matcher(cls).find()) {
                    owner = cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
                    break;
                }
            }
            byOwner.merge(owner, ms, Double::sum);
            byOp.merge(frames.isEmpty() ? "?" : frames.get(0).getMethod().getName(), ms, Double::sum);
            total += ms;
        }
        print("layer, helper or vertex method", byOwner, total, 20);
        print("innermost method (native ND4J call or Java)", byOp, total, 10);
    }

    private static void print(String title, Map<String, Double> ms, double total, int limit) {
        System.out.printf("| %s | ms sampled | share |%n|---|---:|---:|%n", title);
        ms.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(limit)
                .forEach(c -> System.out.printf("| %s | %.0f | %.1f%% |%n", c.getKey(), c.getValue(),
                        100.0 * c.getValue() / total));
        System.out.println();
    }
}
