package io.github.jvision.weights;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Renames timm's state-dict keys to torchvision's, for the families whose architectures the two
 * share. timm's ResNets already use torchvision's names. timm's EfficientNet names its stem
 * {@code conv_stem}/{@code bn1}, its blocks {@code blocks.S.B} with
 * {@code conv_pw, bn1, conv_dw, bn2, se.conv_reduce, se.conv_expand, conv_pwl, bn3} (inverted
 * residual) or {@code conv_dw, bn1, se.*, conv_pw, bn2} (the depthwise-separable first stage, whose
 * {@code conv_pw} is the projection), and its head {@code conv_head}/{@code bn2}/{@code classifier};
 * torchvision numbers the same modules {@code features.S+1.B.block.I.J}.
 */
public final class TimmNames {
    private static final Pattern BLOCK = Pattern.compile("blocks\\.(\\d+)\\.(\\d+)\\.(.+)");
    /** timm's parts of an inverted-residual block, and torchvision's indices within {@code block}. */
    private static final Map<String, String> INVERTED_RESIDUAL = Map.of("conv_pw.", "0.0.", "bn1.", "0.1.",
            "conv_dw.", "1.0.", "bn2.", "1.1.", "se.conv_reduce.", "2.fc1.", "se.conv_expand.", "2.fc2.",
            "conv_pwl.", "3.0.", "bn3.", "3.1.");
    /** The same for the depthwise-separable block (no expansion). */
    private static final Map<String, String> DEPTHWISE_SEPARABLE = Map.of("conv_dw.", "0.0.", "bn1.", "0.1.",
            "se.conv_reduce.", "1.fc1.", "se.conv_expand.", "1.fc2.", "conv_pw.", "2.0.", "bn2.", "2.1.");

    private TimmNames() {
    }

    /**
     * @return {@code weights} with timm's EfficientNet keys renamed to torchvision's; a state dict
     *         without timm's {@code conv_stem} (torchvision's names, or a timm ResNet) is returned
     *         unchanged
     * @throws WeightsFormatException if a timm EfficientNet key has no torchvision counterpart
     */
    public static StateDict toTorchvision(StateDict weights) throws WeightsFormatException {
        Map<String, INDArray> t = weights.tensors();
        if (!t.containsKey("conv_stem.weight")) {
            return weights;
        }
        Set<String> invertedResidual = new TreeSet<>();
        int stages = 0;
        for (String key : t.keySet()) {
            Matcher m = BLOCK.matcher(key);
            if (m.matches()) {
                stages = Math.max(stages, Integer.parseInt(m.group(1)) + 1);
                if (m.group(3).startsWith("conv_pwl.")) {
                    invertedResidual.add(m.group(1) + "." + m.group(2));
                }
            }
        }
        String head = "features." + (stages + 1) + ".";
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, INDArray> e : t.entrySet()) {
            out.put(rename(e.getKey(), head, invertedResidual), e.getValue());
        }
        return new StateDict(out, weights.metadata());
    }

    private static String rename(String key, String head, Set<String> invertedResidual) throws WeightsFormatException {
        Matcher m = BLOCK.matcher(key);
        if (m.matches()) {
            String block = m.group(1) + "." + m.group(2);
            Map<String, String> parts = invertedResidual.contains(block) ? INVERTED_RESIDUAL : DEPTHWISE_SEPARABLE;
            for (Map.Entry<String, String> p : parts.entrySet()) {
                if (m.group(3).startsWith(p.getKey())) {
                    return "features." + (Integer.parseInt(m.group(1)) + 1) + "." + m.group(2) + ".block."
                            + p.getValue() + m.group(3).substring(p.getKey().length());
                }
            }
            throw new WeightsFormatException("timm EfficientNet key " + key + " has no torchvision counterpart");
        }
        for (String[] r : new String[][]{{"conv_stem.", "features.0.0."}, {"bn1.", "features.0.1."},
                {"conv_head.", head + "0."}, {"bn2.", head + "1."}, {"classifier.", "classifier.1."}}) {
            if (key.startsWith(r[0])) {
                return r[1] + key.substring(r[0].length());
            }
        }
        throw new WeightsFormatException("timm EfficientNet key " + key + " has no torchvision counterpart");
    }
}
