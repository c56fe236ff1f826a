package io.github.jvision.data;

import io.github.jvision.image.Image;
import io.github.jvision.image.ImageDecodeException;
import io.github.jvision.image.Images;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A labelled image data set laid out as torchvision's {@code ImageFolder}: {@code root/CLASS/...}
 * image files, one folder per class. Classes are the folder names in sorted order (label i is
 * the i-th); files are found in every subfolder of a class folder, in sorted order, by extension
 * (torchvision's list, jpg, jpeg, png, ppm, bmp, pgm, tif, tiff, webp, limited to those ImageIO
 * can read: without plugins ppm, pgm and webp are ignored; case-insensitive); hidden
 * files and folders (names starting with '.') and other files are ignored.
 *
 * <p>Images are decoded (gray, palette and alpha handled as in {@link Images#load(Path, int)}),
 * resized to {@code size x size} and kept in memory as 8-bit pixels. A file that cannot be decoded
 * (empty, truncated, not an image) is either fatal or skipped, by {@link OnError}; skipped files are
 * counted and reported by path, never dropped silently.
 */
public final class ImageFolder {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);
    /** torchvision's extensions, those that ImageIO (with its plugins) can read. */
    private static final Set<String> EXTENSIONS = Stream.of("jpg", "jpeg", "png", "ppm", "bmp", "pgm", "tif", "tiff", "webp")
            .filter(Set.of(javax.imageio.ImageIO.getReaderFileSuffixes())::contains)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** What to do with a file that cannot be decoded. */
    public enum OnError {
        /** Stop with an {@link ImageDecodeException} naming the file. */
        FAIL,
        /** Leave the file out, log it, and list it in {@link Loaded#skipped()}. */
        SKIP
    }

    /**
     * @param data    the decoded images {@code [N, channels, size, size]}, labels, class names
     * @param skipped each skipped file with the reason ("path: reason")
     */
    public record Loaded(ImageDataset data, List<String> skipped) {
    }

    private ImageFolder() {
    }

    /**
     * @param root     the folder holding one folder per class
     * @param channels 1 (luma) or 3 (RGB)
     * @param size     side of the square images after resizing (bilinear)
     * @throws DatasetException      if {@code root} is not a folder, has no class folders, or a class
     *                               has no image files
     * @throws ImageDecodeException  for an undecodable file under {@link OnError#FAIL}
     */
    public static Loaded load(Path root, int channels, int size, OnError onError) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new DatasetException(root + ": not a folder; expected root/CLASS/image files");
        }
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().toList();
        }
        if (classDirs.isEmpty()) {
            throw new DatasetException(root + ": no class folders; expected root/CLASS/image files");
        }
        List<String> classes = classDirs.stream().map(p -> p.getFileName().toString()).toList();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classDirs.size(); c++) {
            List<Path> images = imageFiles(classDirs.get(c));
            if (images.isEmpty()) {
                throw new DatasetException(classDirs.get(c) + ": no image files (extensions: "
                        + String.join(", ", EXTENSIONS.stream().sorted().toList()) + ")");
            }
            for (Path image : images) {
                files.add(image);
                labels.add(c);
            }
        }
        int pixels = channels * size * size;
        if ((long) files.size() * pixels > Integer.MAX_VALUE - 8) {
            throw new DatasetException(root + ": " + files.size() + " images of " + channels + "x" + size + "x" + size
                    + " need " + (long) files.size() * pixels + " bytes, more than one in-memory data set holds (2 GB)");
        }
        byte[] data = new byte[files.size() * pixels];
        List<Integer> kept = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Image img;
            try {
                img = Images.load(files.get(i), channels, size, size);
            } catch (ImageDecodeException e) {
                if (onError == OnError.FAIL) {
                    throw e;
                }
                LOG.debug("skipping {}", e.getMessage());
                skipped.add(e.getMessage());
                continue;
            }
            int at = kept.size() * pixels;
            for (int j = 0; j < pixels; j++) {
                data[at + j] = (byte) Math.round(Math.max(0f, Math.min(1f, img.data()[j])) * 255f);
            }
            kept.add(labels.get(i));
        }
        ImageDataset ds = new ImageDataset(name(root), Arrays.copyOf(data, kept.size() * pixels),
                kept.stream().mapToInt(Integer::intValue).toArray(), channels, size, size, classes);
        return new Loaded(ds, skipped);
    }

    /** "shoes/train" for {@code .../shoes/train}: the split folder alone would not say which data set. */
    private static String name(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        return parent == null || parent.getFileName() == null ? String.valueOf(abs.getFileName())
                : parent.getFileName() + "/" + abs.getFileName();
    }

    private static List<Path> imageFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> noHiddenPart(dir.relativize(p)))
                    .filter(ImageFolder::hasImageExtension).sorted().toList();
        }
    }

    private static boolean noHiddenPart(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static boolean hasImageExtension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
