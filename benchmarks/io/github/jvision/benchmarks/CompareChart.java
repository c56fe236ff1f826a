package io.github.jvision.benchmarks;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The bar chart of {@code benchmarks/compare}: each contender's images/s relative to the faster of
 * the two PyTorch builds (1.0 = PyTorch), per model and mode. Arguments: the TSV the script wrote
 * (model, mode, then images/s per contender, 0 where it has no such model), the PNG to write
 * and the conditions for the title (e.g. {@code batch 16, 2 threads}).
 */
public final class CompareChart {
    public static void main(String[] args) throws IOException {
        List<String[]> rows = Files.readAllLines(Path.of(args[0])).stream().map(l -> l.split("\t")).toList();
        List<String> header = Arrays.asList(rows.get(0));
        List<String[]> data = rows.subList(1, rows.size());
        List<String> cases = data.stream().map(r -> r[0] + " " + r[1]).toList();
        CategoryChart chart = new CategoryChartBuilder().width(1100).height(520)
                .title("Images/s relative to PyTorch (the faster BLAS), " + args[2])
                .xAxisTitle("model, mode").yAxisTitle("x PyTorch").build();
        for (int c = 2; c < header.size(); c++) {
            List<Double> ratios = new ArrayList<>();
            for (String[] r : data) {
                double torch = Math.max(value(r, header.indexOf("torch")), value(r, header.indexOf("torch-openblas")));
                ratios.add(torch > 0 ? value(r, c) / torch : 0);
            }
            chart.addSeries(header.get(c), cases, ratios);
        }
        chart.getStyler().setXAxisLabelRotation(30);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        BitmapEncoder.saveBitmap(chart, args[1], BitmapEncoder.BitmapFormat.PNG);
    }

    private static double value(String[] row, int column) {
        return column < 0 ? 0 : Double.parseDouble(row[column]);
    }
}
