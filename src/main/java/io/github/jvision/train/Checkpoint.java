package io.github.jvision.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.jvision.AtomicFiles;
import io.github.jvision.Backend;
import io.github.jvision.models.ModelOptions;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.util.List;

/**
 * A trained model with what is needed to use and to resume it: the DL4J graph with its updater
 * state (DL4J's model zip), plus an entry {@code jvision.json} holding {@link Meta}.
 *
 * @param net  the network
 * @param meta model name, options, classes, normalisation, progress and history
 */
public record Checkpoint(ComputationGraph net, Meta meta) {
    private static final String ENTRY = "jvision.json";
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /**
     * What a checkpoint knows besides its weights.
     *
     * @param model   registry name
     * @param options classes, channels, input size the model was built for
     * @param classes class names, index = output column
     * @param mean    per-channel normalisation mean for inputs in [0, 1]
     * @param std     per-channel normalisation standard deviation
     * @param dataset data set trained on
     * @param config  the training configuration
     * @param epochs  completed epochs
     * @param history one entry per completed epoch
     * @param fineTune the pretrained weights the run started from and how, or null for a run from scratch
     */
    public record Meta(String model, ModelOptions options, List<String> classes, float[] mean, float[] std,
                       String dataset, TrainConfig config, int epochs, List<EpochStats> history,
                       FineTune.Plan fineTune) {
    }

    /**
     * Writes atomically ({@link AtomicFiles}): a crash leaves either the old checkpoint or the new
     * one, never a partial file. The metadata is a plain JSON entry of the zip (never Java
     * serialization, so loading a file runs no code from it).
     *
     * @throws IOException if the file cannot be written
     */
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, tmp -> {
            ModelSerializer.writeModel(net, tmp.toFile(), true);
            try (FileSystem zip = FileSystems.newFileSystem(tmp)) {
                Files.writeString(zip.getPath(ENTRY), JSON.writeValueAsString(meta));
            }
        });
    }

    /**
     * Loads a checkpoint written by {@link #save}.
     *
     * @throws CheckpointException if the file is missing, not a zip, not a DL4J graph or has no
     *                             jvision metadata
     */
    public static Checkpoint load(Path file) throws CheckpointException {
        Backend.init();
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file + ": no such checkpoint file");
        }
        try {
            Meta meta;
            try (FileSystem zip = FileSystems.newFileSystem(file)) {
                Path entry = zip.getPath(ENTRY);
                if (!Files.exists(entry)) {
                    throw new CheckpointException(file + ": a DL4J model zip without jvision metadata (" + ENTRY
                            + "); was it written by jvision train?");
                }
                meta = JSON.readValue(Files.readString(entry), Meta.class);
            }
            ComputationGraph net = ModelSerializer.restoreComputationGraph(file.toFile(), true);
            return new Checkpoint(net, meta);
        } catch (CheckpointException e) {
            throw e;
        } catch (java.nio.file.ProviderNotFoundException | java.util.zip.ZipException e) {
            throw new CheckpointException(file + ": not a readable jvision checkpoint (not a zip file)", e);
        } catch (Exception e) {
            throw new CheckpointException(file + ": not a readable jvision checkpoint (" + e.getMessage() + ")", e);
        }
    }
}
