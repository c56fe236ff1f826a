package io.github.jvision.train;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.databind.ObjectMapper;

import static org.junit.jupiter.api.Assertions.*;

class WarmupCosineScheduleTest {
    @Test
    void warmupThenCosine() {
        var s = new WarmupCosineSchedule(0.1, 10, 110);
        assertEquals(0.01, s.valueAt(0, 0), 1e-12);   // 0.1 * 1/10
        assertEquals(0.1, s.valueAt(9, 0), 1e-12);    // end of warm-up
        assertEquals(0.1, s.valueAt(10, 0), 1e-12);   // cos(0) = 1
        assertEquals(0.05, s.valueAt(60, 0), 1e-12);  // halfway: (1 + cos(pi/2)) / 2
        assertEquals(0.1 * (1 + Math.cos(Math.PI * 0.75)) / 2, s.valueAt(85, 0), 1e-12);
        assertEquals(0.0, s.valueAt(110, 0), 1e-12);
    }

    @Test
    void serialisesWithTheUpdater() throws Exception {
        ISchedule s = new WarmupCosineSchedule(0.2, 5, 50);
        var mapper = new ObjectMapper();
        String json = mapper.writerFor(ISchedule.class).writeValueAsString(s);
        assertEquals(s, mapper.readValue(json, ISchedule.class));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(0.1, 10, 10));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosineSchedule(0, 0, 10));
    }
}
