package io.github.jvision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reading the torchvision fixtures that src/test/python writes under target/test-fixtures. */
public final class Fixtures {
    private Fixtures() {
    }

    /** The entries of {@code dir/manifest.json} (a JSON array, one object per model). */
    public static Stream<JsonNode> manifest(Path dir) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        new ObjectMapper().readTree(dir.resolve("manifest.json").toFile()).forEach(out::add);
        return out.stream();
    }
}
