package io.github.jvision.data;

import io.github.jvision.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf 2017): 70,000 grayscale 28x28 images of 10 clothing
 * classes, 60,000 for training and 10,000 for testing, in IDX files.
 *
 * <p>The files are searched, in order, in: the directory given by the caller ({@code --data}),
 * {@code $JVISION_DATA}, {@code ~/.jvision/datasets} (each either holding the files or a
 * {@code fashion-mnist} folder with them) and {@code /usr/share/datasets/fashion-mnist} (Debian
 * package {@code dataset-fashion-mnist}). If none has them and a mirror is configured
 * ({@code $JVISION_FASHION_MNIST_MIRROR}, a base URL serving the four {@code .gz} files), they are
 * downloaded into the cache, as torchvision's {@code FashionMNIST(download=True)} does, and
 * verified. Checksums are SHA-256 of the decompressed IDX content, so that any gzip
 * recompression of the same data (Debian ships one) verifies.
 */
public final class FashionMnist {
    private static final Logger log = LoggerFactory.getLogger(FashionMnist.class);

    /** The registry name. */
    public static final String NAME = "fashion-mnist";
    /** Class names, index = label (Xiao et al. 2017, table 1). */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** Mean of the training pixels scaled to [0, 1] (computed over all 60,000 training images). */
    public static final double MEAN = 0.2860;
    /** Standard deviation of the training pixels scaled to [0, 1]. */
    public static final double STD = 0.3530;
    /** Environment variable naming a download mirror (base URL). */
    public static final String MIRROR_ENV = "JVISION_FASHION_MNIST_MIRROR";

    /** The four files with their decompressed SHA-256 and length. */
    enum File {
        TRAIN_IMAGES("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        TRAIN_LABELS("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        TEST_IMAGES("t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        TEST_LABELS("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

        final String stem;
        final String sha256;

        File(String stem, String sha256) {
            this.stem = stem;
            this.sha256 = sha256;
        }

        Path in(Path dir) {
            Path gz = dir.resolve(stem + ".gz");
            return Files.exists(gz) ? gz : dir.resolve(stem);
        }
    }

    /**
     * Where to look and where to download.
     *
     * @param dataDir the caller's directory ({@code --data}), or null
     * @param env     environment ({@code JVISION_DATA}, {@code JVISION_FASHION_MNIST_MIRROR})
     * @param home    the user's home directory (for {@code ~/.jvision/datasets})
     * @param system  the system-wide location ({@code /usr/share/datasets/fashion-mnist})
     */
    public record Locator(Path dataDir, Map<String, String> env, Path home, Path system) {
        /** The default locator for this process. */
        public static Locator standard(Path dataDir) {
            return new Locator(dataDir, System.getenv(), Path.of(System.getProperty("user.home")),
                    Path.of("/usr/share/datasets/fashion-mnist"));
        }

        /** A locator that searches {@code dir} only and never downloads. */
        public static Locator only(Path dir) {
            return new Locator(null, Map.of(), null, dir);
        }

        /** @return candidate directories, in search order */
        public List<Path> candidates() {
            List<Path> dirs = new ArrayList<>();
            for (Path root : roots()) {
                dirs.add(root);
                dirs.add(root.resolve(NAME));
            }
            dirs.add(system);
            return dirs;
        }

        private List<Path> roots() {
            List<Path> roots = new ArrayList<>();
            if (dataDir != null) {
                roots.add(dataDir);
            }
            if (env.get("JVISION_DATA") != null) {
                roots.add(Path.of(env.get("JVISION_DATA")));
            }
            if (home != null) {
                roots.add(cacheRoot());
            }
            return roots;
        }

        /** @return where downloads go: {@code $JVISION_DATA} if set, else {@code ~/.jvision/datasets} */
        public Path cacheRoot() {
            String data = env.get("JVISION_DATA");
            return data != null ? Path.of(data) : home.resolve(".jvision").resolve("datasets");
        }
    }

    /** Training and test split. */
    public record Splits(ImageDataset train, ImageDataset test) {
    }

    private FashionMnist() {
    }

    /**
     * Finds (or downloads) and loads both splits.
     *
     * @throws DatasetException if no location has the files and none can be downloaded, or a file
     *                          is corrupt; the message lists the places searched and how to get it
     */
    public static Splits load(Locator locator) throws DatasetException {
        Path dir = locate(locator);
        log.info("Fashion-MNIST from {}", dir);
        return new Splits(split(dir, "train", File.TRAIN_IMAGES, File.TRAIN_LABELS),
                split(dir, "test", File.TEST_IMAGES, File.TEST_LABELS));
    }

    /** @return the first candidate directory holding all four files, downloading if needed */
    public static Path locate(Locator locator) throws DatasetException {
        for (Path dir : locator.candidates()) {
            if (complete(dir)) {
                return dir;
            }
        }
        if (locator.home() == null) {
            throw new DatasetException(locator.system() + " does not hold the Fashion-MNIST IDX files"
                    + " (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz],"
                    + " t10k-labels-idx1-ubyte[.gz])");
        }
        Path cache = locator.cacheRoot().resolve(NAME);
        String mirror = locator.env().get(MIRROR_ENV);
        if (mirror == null) {
            throw new DatasetException("Fashion-MNIST not found in " + locator.candidates()
                    + "; install the Debian package dataset-fashion-mnist, put the four IDX files"
                    + " (train-images-idx3-ubyte.gz, ...) in one of those folders, or set " + MIRROR_ENV
                    + " to a URL serving them to download into " + cache);
        }
        download(URI.create(mirror.endsWith("/") ? mirror : mirror + "/"), cache);
        return cache;
    }

    private static boolean complete(Path dir) {
        for (File f : File.values()) {
            if (!Files.isRegularFile(f.in(dir))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Downloads the four files from {@code base} into {@code dir}, each verified against its
     * checksum before it is moved into place (so an interrupted download leaves nothing behind).
     */
    static void download(URI base, Path dir) throws DatasetException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        try {
            Files.createDirectories(dir);
            for (File f : File.values()) {
                URI uri = base.resolve(f.stem + ".gz");
                log.info("downloading {}", uri);
                AtomicFiles.write(dir.resolve(f.stem + ".gz"), tmp -> fetch(http, uri, tmp, f.sha256));
            }
        } catch (DatasetException e) {
            throw e;
        } catch (IOException e) {
            throw new DatasetException("download from " + base + " failed: " + e, e);
        }
    }

    /** Downloads {@code uri} into {@code file} and checks the SHA-256 of its decompressed content. */
    private static void fetch(HttpClient http, URI uri, Path file, String sha256) throws IOException {
        HttpResponse<Path> r;
        try {
            r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).build(),
                    HttpResponse.BodyHandlers.ofFile(file));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatasetException("download of " + uri + " interrupted", e);
        }
        if (r.statusCode() != 200) {
            throw new DatasetException("download of " + uri + " failed: HTTP " + r.statusCode());
        }
        String sha = sha256(Idx.decompressed(file));
        if (!sha.equals(sha256)) {
            throw new DatasetException("download of " + uri + " failed verification: SHA-256 of its content is "
                    + sha + ", expected " + sha256);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ImageDataset split(Path dir, String split, File imagesFile, File labelsFile) throws DatasetException {
        Idx.Array images = Idx.read(imagesFile.in(dir));
        Idx.Array labels = Idx.read(labelsFile.in(dir));
        if (images.dims().length != 3 || labels.dims().length != 1 || images.dims()[0] != labels.dims()[0]) {
            throw new DatasetException(dir + ": expected images [N, 28, 28] and labels [N]; got "
                    + java.util.Arrays.toString(images.dims()) + " and " + java.util.Arrays.toString(labels.dims()));
        }
        int[] y = new int[labels.data().length];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.get(i);
            if (y[i] >= CLASSES.size()) {
                throw new DatasetException(labelsFile.in(dir) + ": label " + y[i] + " at index " + i + " outside 0..9");
            }
        }
        return new ImageDataset(NAME + "/" + split, images.data(), y, 1, images.dims()[1], images.dims()[2], CLASSES);
    }

}
