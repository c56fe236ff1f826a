package io.github.jvision.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a weights file needs besides its tensors, kept in a sidecar JSON next to it
 * ({@code resnet50.pth} -> {@code resnet50.json}): the preprocessing its training used, the
 * category names of its classifier rows, and where the weights came from.
 *
 * <pre>{"preprocessing": {"resize_size": 256, "crop_size": 224, "interpolation": "BILINEAR",
 *                    "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
 *  "categories": ["tench", "goldfish", ...], "source": "torchvision resnet50 IMAGENET1K_V1"}</pre>
 *
 * @param preprocessing how inputs are prepared (required)
 * @param categories    one name per classifier row, or empty
 * @param source        free text: origin and version of the weights, or null
 */
public record WeightsMeta(Preprocessing preprocessing, List<String> categories, String source) {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
            .configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS, true) // "bilinear" as torchvision writes it
            .build();

    public WeightsMeta {
        if (preprocessing == null) {
            throw new IllegalArgumentException("weights metadata needs a \"preprocessing\" object");
        }
        categories = categories == null ? List.of() : List.copyOf(categories);
    }

    /** @return the sidecar path of {@code weights}: its name with the extension replaced by .json */
    public static Path sidecar(Path weights) {
        String name = weights.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return weights.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".json");
    }

    /**
     * @return the metadata in {@code file}, a JSON document as in the class comment
     * @throws WeightsFormatException if it is not valid JSON or misses the preprocessing
     * @throws java.nio.file.NoSuchFileException if it does not exist
     */
    public static WeightsMeta read(Path file) throws IOException {
        try {
            return JSON.readValue(Files.readAllBytes(file), WeightsMeta.class);
        } catch (ValueInstantiationException e) {
            throw new WeightsFormatException(file + ": " + e.getCause().getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new WeightsFormatException(file + ": not valid weights metadata: " + e.getOriginalMessage(), e);
        }
    }

    /** Writes this metadata as JSON, atomically. */
    public void write(Path file) throws IOException {
        io.github.jvision.AtomicFiles.write(file, tmp -> JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this));
    }

    /** @return the metadata of {@code weights} from its sidecar, if there is one */
    public static Optional<WeightsMeta> of(Path weights) throws IOException {
        Path s = sidecar(weights);
        return Files.exists(s) ? Optional.of(read(s)) : Optional.empty();
    }
}
