package io.github.jvision.cli;

import io.github.jvision.data.DatasetException;
import io.github.jvision.data.FashionMnist;
import io.github.jvision.data.ImageDataset;
import io.github.jvision.data.ImageFolder;
import io.github.jvision.image.ImageDecodeException;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The data set options shared by train, finetune and eval: Fashion-MNIST or an image folder, optionally some classes only. */
final class DatasetOptions {
    @Option(names = "--dataset", defaultValue = FashionMnist.NAME,
            description = "fashion-mnist, a directory holding its IDX files, or an image folder DIR with DIR/train/CLASS/* "
                    + "and DIR/val/CLASS/* (or DIR/test) images, as torchvision's ImageFolder reads (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--data", description = "Directory searched first for data sets (then $JVISION_DATA, ~/.jvision/datasets, /usr/share/datasets).")
    Path dataDir;

    @Option(names = "--classes", split = ",", paramLabel = "CLASS",
            description = "Keep only these classes (names or indices, comma-separated), relabelled in the order given.")
    List<String> classes;

    @Option(names = "--image-size", description = "Image folders: side of the square the images are resized to (default: the model's input size).")
    Integer imageSize;

    @Option(names = "--channels", description = "Image folders: 1 (gray) or 3 (RGB) (default: 3; finetune: what the weights expect; eval: what the checkpoint takes).")
    Integer channels;

    @Option(names = "--skip-bad-images", description = "Image folders: skip files that cannot be decoded (each is reported) instead of stopping.")
    boolean skipBadImages;

    /**
     * The two splits with the normalisation a model trained from scratch on them uses.
     *
     * @param skipped image files left out (with --skip-bad-images), "path: reason"
     */
    record Loaded(ImageDataset train, ImageDataset test, float[] mean, float[] std, List<String> skipped) {
    }

    /**
     * @param defaultChannels image folders: channels unless --channels is given
     * @param defaultSize     image folders: side unless --image-size is given
     */
    Loaded load(int defaultChannels, int defaultSize) throws IOException {
        if ((channels != null && channels != 1 && channels != 3) || (imageSize != null && imageSize < 1)) {
            throw new IllegalArgumentException("--channels must be 1 or 3 and --image-size at least 1; got "
                    + given());
        }
        Loaded all = FashionMnist.NAME.equals(dataset) ? fashionMnist(FashionMnist.Locator.standard(dataDir))
                : directory(defaultChannels, defaultSize);
        if (classes != null) {
            List<Integer> keep = new ArrayList<>();
            for (String c : classes) {
                keep.add(classIndex(all.train().classes(), c.strip()));
            }
            ImageDataset train = all.train().select(keep);
            float[][] stats = isFolder() ? stats(train) : new float[][]{all.mean(), all.std()};
            all = new Loaded(train, all.test().select(keep), stats[0], stats[1], all.skipped());
        }
        for (ImageDataset split : List.of(all.train(), all.test())) {
            if (split.size() == 0) {
                throw new DatasetException(dataset + ": no readable images in " + split.name());
            }
        }
        return all;
    }

    /** @return whether --dataset names an image folder (DIR/train/...) */
    boolean isFolder() {
        return !FashionMnist.NAME.equals(dataset) && Files.isDirectory(Path.of(dataset, "train"));
    }

    /**
     * The training split's per-channel mean and std, the std floored at 1/255 so that a constant
     * channel does not divide by zero.
     */
    private static float[][] stats(ImageDataset train) {
        float[][] s = train.channelStats();
        for (int c = 0; c < s[1].length; c++) {
            s[1][c] = Math.max(s[1][c], 1 / 255f);
        }
        return s;
    }

    /** The --channels and --image-size options the user gave, for messages. */
    private String given() {
        return (channels != null ? "--channels " + channels + " " : "") + (imageSize != null ? "--image-size " + imageSize : "");
    }

    /** Fashion-MNIST's splits; the images are 1x28x28, and --channels / --image-size cannot change that. */
    private Loaded fashionMnist(FashionMnist.Locator locator) throws DatasetException {
        if ((channels != null && channels != 1) || (imageSize != null && imageSize != 28)) {
            throw new IllegalArgumentException("Fashion-MNIST images are 1x28x28; " + given().strip()
                    + " applies to image folders only (docs/scripts/fashion_mnist_folder.py writes Fashion-MNIST as one)");
        }
        FashionMnist.Splits s = FashionMnist.load(locator);
        float[] mean = {(float) FashionMnist.MEAN};
        float[] std = {(float) FashionMnist.STD};
        return new Loaded(s.train(), s.test(), mean, std, List.of());
    }

    private Loaded directory(int defaultChannels, int defaultSize) throws IOException {
        Path dir = Path.of(dataset);
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("unknown data set '" + dataset + "'; expected fashion-mnist or a directory");
        }
        if (!Files.isDirectory(dir.resolve("train"))) {
            try {
                return fashionMnist(FashionMnist.Locator.only(dir));
            } catch (DatasetException e) {
                String name = String.valueOf(dir.toAbsolutePath().normalize().getFileName());
                throw new DatasetException(dir + ": neither an image folder (DIR/train/CLASS/* and DIR/val/CLASS/*) nor "
                        + "Fashion-MNIST's four IDX files" + (List.of("train", "val", "test").contains(name)
                        ? "; give its parent folder, which holds train/ and val/" : ""));
            }
        }
        Path test = Stream.of("val", "test").map(dir::resolve).filter(Files::isDirectory).findFirst()
                .orElseThrow(() -> new DatasetException(dir + ": has train/ but neither val/ nor test/; expected "
                        + "DIR/train/CLASS/* and DIR/val/CLASS/*"));
        int c = channels != null ? channels : defaultChannels;
        int size = imageSize != null ? imageSize : defaultSize;
        var onError = skipBadImages ? ImageFolder.OnError.SKIP : ImageFolder.OnError.FAIL;
        ImageFolder.Loaded tr;
        ImageFolder.Loaded te;
        try {
            tr = ImageFolder.load(dir.resolve("train"), c, size, onError);
            te = ImageFolder.load(test, c, size, onError);
        } catch (ImageDecodeException e) {
            throw new ImageDecodeException(e.getMessage() + " (--skip-bad-images leaves such files out)", e);
        }
        if (!tr.data().classes().equals(te.data().classes())) {
            throw new DatasetException(dir + ": train/ has classes " + tr.data().classes() + " but " + test.getFileName()
                    + "/ has " + te.data().classes());
        }
        float[][] stats = stats(tr.data());
        List<String> skipped = new ArrayList<>(tr.skipped());
        skipped.addAll(te.skipped());
        return new Loaded(tr.data(), te.data(), stats[0], stats[1], skipped);
    }

    private static int classIndex(List<String> names, String c) {
        int i = names.indexOf(c);
        if (i >= 0) {
            return i;
        }
        try {
            i = Integer.parseInt(c);
        } catch (NumberFormatException e) {
            i = -1;
        }
        if (i < 0 || i >= names.size()) {
            throw new IllegalArgumentException("--classes: no class '" + c + "'; expected a name or an index in [0, "
                    + names.size() + ") of " + names);
        }
        return i;
    }
}
