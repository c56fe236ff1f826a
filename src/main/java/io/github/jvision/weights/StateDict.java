package io.github.jvision.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Named tensors in PyTorch's layout and naming, as {@code module.state_dict()} holds them: keys
 * such as {@code layer1.0.conv1.weight}, convolution weights {@code [out, in/groups, kh, kw]},
 * linear weights {@code [out, in]}, BN {@code running_mean}/{@code running_var} {@code [C]}.
 *
 * @param tensors  tensors by key, in file order (unmodifiable)
 * @param metadata free-form string metadata (safetensors' {@code __metadata__}; unmodifiable)
 */
public record StateDict(Map<String, INDArray> tensors, Map<String, String> metadata) {
    public StateDict {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** @return this state dict without the keys that start with any of {@code prefixes} */
    public StateDict without(String... prefixes) {
        Map<String, INDArray> kept = new LinkedHashMap<>(tensors);
        kept.keySet().removeIf(k -> java.util.Arrays.stream(prefixes).anyMatch(k::startsWith));
        return new StateDict(kept, metadata);
    }

    /** A state dict without metadata. */
    public StateDict(Map<String, INDArray> tensors) {
        this(tensors, Map.of());
    }

    /**
     * Reads a weights file, by its content: a zip archive is a {@code torch.save} checkpoint
     * ({@link TorchCheckpoint}), anything else must be safetensors ({@link SafeTensors}).
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws WeightsFormatException           if it is neither format, or malformed
     */
    public static StateDict read(Path file) throws IOException {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(magic, 0, 4);
            boolean zip = n == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
            // a pickle (PROTO opcode 0x80) at the start: torch.save's format before PyTorch 1.6
            boolean legacyTorch = n >= 1 && (magic[0] & 0xff) == 0x80;
            return zip || legacyTorch ? TorchCheckpoint.read(file) : SafeTensors.read(file);
        }
    }
}
