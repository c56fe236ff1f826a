package io.github.jvision.data;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Location order, download with verification (on a loopback server), and the real data. */
class FashionMnistTest {
    static final Path SYSTEM = Path.of("/usr/share/datasets/fashion-mnist");
    static FashionMnist.Splits real;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadReal() throws DatasetException {
        real = FashionMnist.load(new FashionMnist.Locator(null, Map.of(), Path.of("/nonexistent"), SYSTEM));
    }

    @Test
    void realDataHasThePublishedSizesAndBalance() {
        // Xiao et al. 2017: 60,000 training and 10,000 test images of 28x28, 10 balanced classes
        assertEquals(60000, real.train().size());
        assertEquals(10000, real.test().size());
        assertEquals(28, real.train().height());
        int[] counts = new int[10];
        for (int l : real.train().labels()) {
            counts[l]++;
        }
        for (int c : counts) {
            assertEquals(6000, c);
        }
    }

    @Test
    void normalisationConstantsMatchTheTrainingSet() {
        byte[] px = real.train().pixels();
        double sum = 0;
        double sq = 0;
        for (byte b : px) {
            double v = (b & 0xff) / 255.0;
            sum += v;
            sq += v * v;
        }
        double mean = sum / px.length;
        double std = Math.sqrt(sq / px.length - mean * mean);
        assertEquals(FashionMnist.MEAN, mean, 5e-5);
        assertEquals(FashionMnist.STD, std, 5e-5);
    }

    private void copyTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (FashionMnist.File f : FashionMnist.File.values()) {
            Files.copy(f.in(SYSTEM), dir.resolve(f.in(SYSTEM).getFileName()));
        }
    }

    @Test
    void searchOrderIsDataDirEnvHomeSystem() throws Exception {
        Path data = tmp.resolve("data");
        Path env = tmp.resolve("env");
        Path home = tmp.resolve("home");
        var locator = new FashionMnist.Locator(data, Map.of("JVISION_DATA", env.toString()), home, SYSTEM);
        assertEquals(SYSTEM, FashionMnist.locate(locator));
        copyTo(home.resolve(".jvision/datasets/fashion-mnist"));
        // with JVISION_DATA set, ~/.jvision/datasets is not searched: JVISION_DATA is the cache
        assertEquals(SYSTEM, FashionMnist.locate(locator));
        var noEnv = new FashionMnist.Locator(data, Map.of(), home, SYSTEM);
        assertEquals(home.resolve(".jvision/datasets/fashion-mnist"), FashionMnist.locate(noEnv));
        copyTo(env.resolve("fashion-mnist"));
        assertEquals(env.resolve("fashion-mnist"), FashionMnist.locate(locator));
        copyTo(data);
        assertEquals(data, FashionMnist.locate(locator));
    }

    @Test
    void missingEverywhereSaysHowToGetIt() {
        var locator = new FashionMnist.Locator(tmp.resolve("a"), Map.of(), tmp.resolve("home"), tmp.resolve("sys"));
        var e = assertThrows(DatasetException.class, () -> FashionMnist.locate(locator));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains(FashionMnist.MIRROR_ENV), e.getMessage());
    }

    /** Serves the given files on a loopback port; returns the server (caller stops it). */
    private static HttpServer serve(Map<String, byte[]> files) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            byte[] body = files.get(ex.getRequestURI().getPath().substring(1));
            if (body == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        server.start();
        return server;
    }

    private static Map<String, byte[]> realFiles() throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        for (FashionMnist.File f : FashionMnist.File.values()) {
            files.put(f.stem + ".gz", Files.readAllBytes(f.in(SYSTEM)));
        }
        return files;
    }

    @Test
    void downloadsIntoTheCacheAndVerifies() throws Exception {
        HttpServer server = serve(realFiles());
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/mirror/";
            server.removeContext("/");
            server.createContext("/mirror/", ex -> {
                byte[] body = realFiles().get(ex.getRequestURI().getPath().substring("/mirror/".length()));
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            Path home = tmp.resolve("home");
            var locator = new FashionMnist.Locator(null, Map.of(FashionMnist.MIRROR_ENV, url), home, tmp.resolve("none"));
            Path dir = FashionMnist.locate(locator);
            assertEquals(home.resolve(".jvision/datasets/fashion-mnist"), dir);
            assertEquals(10000, FashionMnist.load(locator).test().size());
            try (var listing = Files.list(dir)) {
                assertEquals(4, listing.count(), "no partial files left behind");
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void corruptDownloadIsRejectedAndLeavesNothing() throws Exception {
        Map<String, byte[]> files = realFiles();
        byte[] labels = IdxTest.gzip(IdxTest.idx(new int[]{60000}, new byte[60000])); // valid IDX, wrong content
        files.put("train-labels-idx1-ubyte.gz", labels);
        HttpServer server = serve(files);
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            Path home = tmp.resolve("home");
            var locator = new FashionMnist.Locator(null, Map.of(FashionMnist.MIRROR_ENV, url), home, tmp.resolve("none"));
            var e = assertThrows(DatasetException.class, () -> FashionMnist.locate(locator));
            assertTrue(e.getMessage().contains("failed verification"), e.getMessage());
            try (var listing = Files.list(home.resolve(".jvision/datasets/fashion-mnist"))) {
                assertTrue(listing.noneMatch(p -> p.toString().endsWith(".part") || p.toString().contains("labels")));
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void httpErrorIsReported() throws Exception {
        HttpServer server = serve(Map.of());
        try {
            var locator = new FashionMnist.Locator(null,
                    Map.of(FashionMnist.MIRROR_ENV, "http://127.0.0.1:" + server.getAddress().getPort()),
                    tmp.resolve("home"), tmp.resolve("none"));
            var e = assertThrows(DatasetException.class, () -> FashionMnist.locate(locator));
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        } finally {
            server.stop(0);
        }
    }
}
