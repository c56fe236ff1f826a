package io.github.jvision.cli;

import io.github.jvision.AtomicFiles;
import io.github.jvision.eval.Metrics;
import io.github.jvision.train.EpochStats;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** PNG plots of a run (XChart): loss and accuracy per epoch, and the confusion matrix. */
final class Plots {
    private Plots() {
    }

    /** Writes {@code loss.png} and {@code accuracy.png} into {@code dir}. */
    static void curves(List<EpochStats> history, Path dir) throws IOException {
        double[] epochs = history.stream().mapToDouble(EpochStats::epoch).toArray();
        XYChart loss = new XYChartBuilder().width(640).height(420).title("Loss").xAxisTitle("epoch")
                .yAxisTitle("cross-entropy").build();
        loss.addSeries("train", epochs, history.stream().mapToDouble(EpochStats::trainLoss).toArray());
        loss.addSeries("test", epochs, history.stream().mapToDouble(EpochStats::testLoss).toArray());
        style(loss, "0.000");
        save(loss, dir.resolve("loss.png"));
        XYChart acc = new XYChartBuilder().width(640).height(420).title("Test accuracy").xAxisTitle("epoch")
                .yAxisTitle("%").build();
        acc.addSeries("top-1", epochs, history.stream().mapToDouble(e -> 100 * e.testTop1()).toArray());
        acc.addSeries("top-5", epochs, history.stream().mapToDouble(e -> 100 * e.testTop5()).toArray());
        style(acc, "0.0");
        save(acc, dir.resolve("accuracy.png"));
    }

    private static void style(XYChart chart, String yPattern) {
        chart.getStyler().setYAxisDecimalPattern(yPattern);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    }

    /** Writes the confusion matrix as a labelled heat map (rows: true class, columns: predicted). */
    static void confusion(Metrics.Report report, Path file) throws IOException {
        int k = report.classes().size();
        HeatMapChart chart = new HeatMapChartBuilder().width(220 + 60 * k).height(160 + 50 * k)
                .title("Confusion matrix (rows: true, columns: predicted)").build();
        chart.getStyler().setShowValue(true);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setLegendVisible(false);
        List<Number[]> cells = new ArrayList<>();
        long[][] c = report.confusion();
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                cells.add(new Number[]{p, k - 1 - t, c[t][p]}); // first class on the top row
            }
        }
        List<String> reversed = new ArrayList<>(report.classes());
        java.util.Collections.reverse(reversed);
        chart.addSeries("confusion", report.classes(), reversed, cells);
        save(chart, file);
    }

    private static void save(Chart<?, ?> chart, Path file) throws IOException {
        AtomicFiles.write(file, tmp -> {
            try (var out = Files.newOutputStream(tmp)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
        });
    }
}
