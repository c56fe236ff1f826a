package io.github.jvision.weights;

import java.util.List;

/**
 * What loading a state dict into a model found, as PyTorch's {@code load_state_dict} reports it.
 *
 * @param loaded     keys copied into the model
 * @param missing    keys the model has and the file lacks
 * @param unexpected keys the file has and the model lacks ({@code num_batches_tracked} aside)
 * @param mismatched keys present in both with different shapes, each as
 *                   {@code "key: model [..], file [..]"}
 */
public record LoadReport(List<String> loaded, List<String> missing, List<String> unexpected, List<String> mismatched) {
    public LoadReport {
        loaded = List.copyOf(loaded);
        missing = List.copyOf(missing);
        unexpected = List.copyOf(unexpected);
        mismatched = List.copyOf(mismatched);
    }

    /** @return true if every key of the model was loaded and the file had nothing else */
    public boolean complete() {
        return missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty();
    }

    @Override
    public String toString() {
        return loaded.size() + " loaded; " + list("missing", missing) + "; " + list("unexpected", unexpected) + "; "
                + list("shape mismatch", mismatched);
    }

    private static String list(String what, List<String> keys) {
        return keys.size() + " " + what + (keys.isEmpty() ? "" : " " + keys);
    }
}
