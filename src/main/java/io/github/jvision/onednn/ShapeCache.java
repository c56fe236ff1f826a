package io.github.jvision.onednn;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The compiled programs of the two input shapes used last (a run's batch size and its smaller
 * last batch), so that neither is rebuilt every epoch; an older one is freed.
 */
final class ShapeCache<T> {
    private static final int SIZE = 2;
    private final Map<List<Long>, T> byShape = new LinkedHashMap<>(4, 0.75f, true);
    private final Consumer<T> free;

    ShapeCache(Consumer<T> free) {
        this.free = free;
    }

    /** The program for {@code shape}, built by {@code build} if absent. */
    T get(long[] shape, Function<long[], T> build) {
        List<Long> key = Arrays.stream(shape).boxed().toList();
        T t = byShape.get(key);
        if (t == null) {
            t = build.apply(shape.clone());
            byShape.put(key, t);
            Iterator<T> oldest = byShape.values().iterator();
            while (byShape.size() > SIZE) {
                free.accept(oldest.next());
                oldest.remove();
            }
        }
        return t;
    }

    void clear() {
        byShape.values().forEach(free);
        byShape.clear();
    }
}
