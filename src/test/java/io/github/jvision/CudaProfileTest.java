package io.github.jvision;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code cuda} Maven profile resolves and the library compiles against ND4J's CUDA 11.6
 * backend (its classifier-less artifact: the native build is hundreds of MB and there is no GPU
 * here), in a second build directory beside this build's.
 */
@Tag("slow")
class CudaProfileTest {
    @Test
    void libraryCompilesAgainstTheCudaBackend() throws IOException, InterruptedException {
        Path dir = Path.of("target/cuda-build").toAbsolutePath();
        Path cp = dir.resolve("compile.cp");
        Subprocess build = Subprocess.run(List.of("mvn", "-B", "-q", "-Pcuda", "-Dnd4j.compileOnly",
                "-Dmaven.test.skip=true", "-Djvision.build.directory=" + dir, "compile", "dependency:build-classpath",
                "-Dmdep.outputFile=" + cp, "-DincludeScope=compile"), dir.resolve("build.log"), Duration.ofMinutes(20));
        String log = build.output();
        assertEquals(0, build.exitCode(), log);

        assertTrue(Files.isRegularFile(dir.resolve("classes/io/github/jvision/models/ResNet.class")), log);
        List<String> jars = Arrays.stream(Files.readString(cp).trim().split(":"))
                .map(j -> Path.of(j).getFileName().toString()).toList();
        assertTrue(jars.contains("nd4j-cuda-11.6-1.0.0-M2.1.jar"), jars.toString());
        assertTrue(jars.stream().noneMatch(j -> j.startsWith("nd4j-native-1")), jars.toString());
    }
}
