package dev.sparkjobs.internal.deploy;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An AWS service model in botocore's JSON form ({@code service-2.json}): its operations and
 * shapes, with every {@code pattern} compiled as a Java regular expression.
 */
public final class ServiceModel
{
    // botocore's "any XML character" class names the surrogate pair range as lone surrogates,
    // which Java matches one UTF-16 unit at a time and so never accepts a character beyond U+FFFF.
    private static final String SURROGATE_PAIR_RANGE = "\\uD800\\uDBFF-\\uDC00\\uDFFF";
    private static final String SUPPLEMENTARY_RANGE = "\\x{10000}-\\x{10FFFF}";

    private final JsonNode operations;
    private final JsonNode shapes;
    private final Map<String, Pattern> patterns;

    private ServiceModel(JsonNode operations, JsonNode shapes, Map<String, Pattern> patterns)
    {
        this.operations = operations;
        this.shapes = shapes;
        this.patterns = patterns;
    }

    /** The emr-containers 2020-10-01 model shipped in the jar (resource /deploy/, with its provenance README). */
    public static ServiceModel emrContainers()
    {
        try (InputStream json = ServiceModel.class.getResourceAsStream("/deploy/emr-containers-2020-10-01-service-2.json")) {
            return parse(requireNonNull(json, "the emr-containers service model is missing from the application jar"));
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public static ServiceModel parse(InputStream json)
    {
        requireNonNull(json, "json is null");
        JsonNode model;
        try {
            model = new ObjectMapper().readTree(json);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the service model", e);
        }
        JsonNode operations = model.path("operations");
        JsonNode shapes = model.path("shapes");
        if (!operations.isObject() || !shapes.isObject()) {
            throw new IllegalArgumentException("Not a botocore service model: it has no 'operations' and 'shapes' objects");
        }
        Map<String, Pattern> patterns = new HashMap<>();
        shapes.fields().forEachRemaining(entry -> {
            JsonNode pattern = entry.getValue().get("pattern");
            if (pattern != null) {
                patterns.put(entry.getKey(), compile(entry.getKey(), pattern.asText()));
            }
        });
        return new ServiceModel(operations, shapes, Map.copyOf(patterns));
    }

    /** A botocore pattern as a Java regular expression. */
    static String toJavaRegex(String botocorePattern)
    {
        return botocorePattern.replace(SURROGATE_PAIR_RANGE, SUPPLEMENTARY_RANGE);
    }

    private static Pattern compile(String shape, String pattern)
    {
        try {
            return Pattern.compile(toJavaRegex(pattern));
        }
        catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("Shape " + shape + " has a pattern Java cannot compile: " + pattern + " (" + e.getDescription() + ")", e);
        }
    }

    public String inputShapeOf(String operation)
    {
        JsonNode input = operations.path(operation).path("input").path("shape");
        if (input.isMissingNode()) {
            throw new IllegalArgumentException("The service model has no operation " + operation + " with an input shape");
        }
        return input.asText();
    }

    public JsonNode shape(String name)
    {
        JsonNode shape = shapes.get(name);
        if (shape == null) {
            throw new IllegalArgumentException("The service model has no shape " + name);
        }
        return shape;
    }

    public Optional<Pattern> pattern(String shapeName)
    {
        return Optional.ofNullable(patterns.get(shapeName));
    }

    public int patternCount()
    {
        return patterns.size();
    }
}
