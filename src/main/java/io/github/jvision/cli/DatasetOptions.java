package io.github.jvision.cli;

import io.github.jvision.data.DatasetException;
import io.github.jvision.data.FashionMnist;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --dataset} and {@code --data} options shared by train and eval. */
final class DatasetOptions {
    @Option(names = "--dataset", defaultValue = FashionMnist.NAME,
            description = "Data set name (fashion-mnist) or a directory holding its IDX files (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data", description = "Directory searched first for data sets (then $JVISION_DATA, ~/.jvision/datasets, /usr/share/datasets).")
    Path dataDir;

    FashionMnist.Splits load() throws DatasetException {
        if (FashionMnist.NAME.equals(dataset)) {
            return FashionMnist.load(FashionMnist.Locator.standard(dataDir));
        }
        Path dir = Path.of(dataset);
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("unknown data set '" + dataset + "'; expected fashion-mnist or a directory");
        }
        return FashionMnist.load(FashionMnist.Locator.only(dir));
    }
}
