package io.github.jvision.weights;

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

    /** A state dict without metadata. */
    public StateDict(Map<String, INDArray> tensors) {
        this(tensors, Map.of());
    }
}
