package io.github.jvision.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.jvision.models.ModelOptions;
import io.github.jvision.models.Summary;
import org.junit.jupiter.api.Test;

/** The benchmark's conv-BN-ReLU stack is the network torch_worker.py times on the PyTorch side. */
class ConvStackTest {
    @Test
    void hasPyTorchsParameterCountAndTheHandCountedMacs() {
        var conf = ConvStack.configure(1000, 224);
        Summary s = Summary.of(ConvStack.NAME, conf, new ModelOptions(1000, 3, 224));
        // sum(p.numel() for p in torch_worker.conv_stack().parameters()), run once under PyTorch 1.13
        assertEquals(5_244_968, s.params());
        // by hand: stem 112^2 64 3 49 = 118,013,952; layer1 2 x 56^2 64 64 9 = 231,211,008; layer2-4
        // each 57,802,752 (strided) + 115,605,504; fc 512 x 1000 = 512,000
        assertEquals(118_013_952L + 231_211_008L + 3 * (57_802_752L + 115_605_504L) + 512_000L, s.macs());
    }
}
