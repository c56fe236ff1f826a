package io.github.jvision.models;

import java.util.List;

/** Thrown for a model name the registry does not know; the message lists the closest names. */
public class UnknownModelException extends IllegalArgumentException {
    private final List<String> suggestions;

    public UnknownModelException(String name, List<String> suggestions) {
        super("unknown model '" + name + "'" + (suggestions.isEmpty() ? "" : "; did you mean " + String.join(", ", suggestions) + "?")
                + " (jvision models lists all)");
        this.suggestions = List.copyOf(suggestions);
    }

    /** @return registry names closest to the one asked for */
    public List<String> suggestions() {
        return suggestions;
    }
}
