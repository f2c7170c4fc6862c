package dev.sparkjobs.internal.deploy;

import static java.util.Objects.requireNonNull;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks a request (JSON as sent with {@code --cli-input-json}) against the input shape of an
 * operation in a {@link ServiceModel}: required members, types, enums, length and value ranges,
 * patterns, and no unknown members. Patterns must match the whole value: a request valid under
 * that reading is valid under the looser "contains a match" reading as well.
 */
public final class RequestValidator
{
    private final ServiceModel model;

    public RequestValidator(ServiceModel model)
    {
        this.model = requireNonNull(model, "model is null");
    }

    /** One problem of a request: the member's path ({@code jobDriver.sparkSubmitJobDriver.entryPoint}) and what is wrong. */
    public record Violation(String path, String problem)
    {
        public Violation
        {
            requireNonNull(path, "path is null");
            requireNonNull(problem, "problem is null");
        }

        @Override
        public String toString()
        {
            return path + ": " + problem;
        }
    }

    public List<Violation> validate(String operation, JsonNode request)
    {
        List<Violation> violations = new ArrayList<>();
        check(model.inputShapeOf(operation), request, "", violations);
        return List.copyOf(violations);
    }

    private void check(String shapeName, JsonNode value, String path, List<Violation> violations)
    {
        JsonNode shape = model.shape(shapeName);
        String type = shape.path("type").asText();
        String where = path.isEmpty() ? "(request)" : path;
        switch (type) {
            case "structure" -> checkStructure(shape, value, path, violations);
            case "list" -> checkList(shape, value, where, violations);
            case "map" -> checkMap(shape, value, where, violations);
            case "string" -> checkString(shapeName, shape, value, where, violations);
            case "integer", "long" -> checkInteger(shape, value, type, where, violations);
            case "float", "double" -> {
                if (!value.isNumber()) {
                    violations.add(new Violation(where, "expected a number (" + type + ") but got " + describe(value)));
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    violations.add(new Violation(where, "expected true or false but got " + describe(value)));
                }
            }
            case "timestamp" -> checkTimestamp(value, where, violations);
            case "blob" -> checkBlob(value, where, violations);
            default -> violations.add(new Violation(where, "shape " + shapeName + " has type '" + type + "', which this validator does not know"));
        }
    }

    private void checkStructure(JsonNode shape, JsonNode value, String path, List<Violation> violations)
    {
        String where = path.isEmpty() ? "(request)" : path;
        if (!value.isObject()) {
            violations.add(new Violation(where, "expected an object but got " + describe(value)));
            return;
        }
        JsonNode members = shape.path("members");
        for (JsonNode required : shape.path("required")) {
            JsonNode member = value.get(required.asText());
            if (member == null || member.isNull()) {
                violations.add(new Violation(join(path, required.asText()), "required member is missing"));
            }
        }
        Set<String> known = new TreeSet<>();
        members.fieldNames().forEachRemaining(known::add);
        for (Iterator<Map.Entry<String, JsonNode>> fields = value.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String memberPath = join(path, field.getKey());
            JsonNode member = members.get(field.getKey());
            if (member == null) {
                violations.add(new Violation(memberPath, "unknown member; allowed here: " + String.join(", ", known)));
                continue;
            }
            if (field.getValue().isNull()) {
                continue;
            }
            check(member.path("shape").asText(), field.getValue(), memberPath, violations);
        }
    }

    private void checkList(JsonNode shape, JsonNode value, String where, List<Violation> violations)
    {
        if (!value.isArray()) {
            violations.add(new Violation(where, "expected a list but got " + describe(value)));
            return;
        }
        checkCount(shape, value.size(), "items", where, violations);
        String memberShape = shape.path("member").path("shape").asText();
        for (int index = 0; index < value.size(); index++) {
            check(memberShape, value.get(index), where + "[" + index + "]", violations);
        }
    }

    private void checkMap(JsonNode shape, JsonNode value, String where, List<Violation> violations)
    {
        if (!value.isObject()) {
            violations.add(new Violation(where, "expected a map (JSON object) but got " + describe(value)));
            return;
        }
        checkCount(shape, value.size(), "entries", where, violations);
        String keyShape = shape.path("key").path("shape").asText();
        String valueShape = shape.path("value").path("shape").asText();
        Set<String> seen = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> entries = value.fields(); entries.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String entryPath = where + "[\"" + entry.getKey() + "\"]";
            if (seen.add(entry.getKey())) {
                check(keyShape, com.fasterxml.jackson.databind.node.TextNode.valueOf(entry.getKey()), entryPath + " (key)", violations);
            }
            check(valueShape, entry.getValue(), entryPath, violations);
        }
    }

    private void checkString(String shapeName, JsonNode shape, JsonNode value, String where, List<Violation> violations)
    {
        if (!value.isTextual()) {
            violations.add(new Violation(where, "expected a string but got " + describe(value)));
            return;
        }
        String text = value.asText();
        if (shape.has("enum")) {
            List<String> allowed = new ArrayList<>();
            shape.get("enum").forEach(option -> allowed.add(option.asText()));
            if (!allowed.contains(text)) {
                violations.add(new Violation(where, "'" + text + "' is not one of " + String.join(", ", allowed)));
            }
        }
        int length = text.codePointCount(0, text.length());
        if (shape.has("min") && length < shape.get("min").asLong()) {
            violations.add(new Violation(where, "is " + length + " characters long, shorter than the minimum " + shape.get("min").asLong()));
        }
        if (shape.has("max") && length > shape.get("max").asLong()) {
            violations.add(new Violation(where, "is " + length + " characters long, longer than the maximum " + shape.get("max").asLong()));
        }
        model.pattern(shapeName).ifPresent(pattern -> {
            if (!matchesWhole(pattern, text)) {
                violations.add(new Violation(where, "'" + abbreviate(text) + "' does not match the pattern " + shape.get("pattern").asText() + " of " + shapeName));
            }
        });
    }

    private static boolean matchesWhole(Pattern pattern, String text)
    {
        return pattern.matcher(text).matches();
    }

    private static void checkInteger(JsonNode shape, JsonNode value, String type, String where, List<Violation> violations)
    {
        boolean fits = type.equals("integer") ? value.isIntegralNumber() && value.canConvertToInt() : value.isIntegralNumber() && value.canConvertToLong();
        if (!fits) {
            violations.add(new Violation(where, "expected a whole number (" + type + ") but got " + describe(value)));
            return;
        }
        long number = value.asLong();
        if (shape.has("min") && number < shape.get("min").asLong()) {
            violations.add(new Violation(where, number + " is below the minimum " + shape.get("min").asLong()));
        }
        if (shape.has("max") && number > shape.get("max").asLong()) {
            violations.add(new Violation(where, number + " is above the maximum " + shape.get("max").asLong()));
        }
    }

    private static void checkTimestamp(JsonNode value, String where, List<Violation> violations)
    {
        if (value.isNumber()) {
            return;
        }
        if (value.isTextual()) {
            try {
                OffsetDateTime.parse(value.asText());
                return;
            }
            catch (DateTimeParseException e) {
                // reported below
            }
        }
        violations.add(new Violation(where, "expected a timestamp (epoch seconds or ISO 8601 with offset) but got " + describe(value)));
    }

    private static void checkBlob(JsonNode value, String where, List<Violation> violations)
    {
        if (value.isTextual()) {
            try {
                Base64.getDecoder().decode(value.asText());
                return;
            }
            catch (IllegalArgumentException e) {
                // reported below
            }
        }
        violations.add(new Violation(where, "expected base64 text but got " + describe(value)));
    }

    private static void checkCount(JsonNode shape, int count, String unit, String where, List<Violation> violations)
    {
        if (shape.has("min") && count < shape.get("min").asLong()) {
            violations.add(new Violation(where, "has " + count + " " + unit + ", fewer than the minimum " + shape.get("min").asLong()));
        }
        if (shape.has("max") && count > shape.get("max").asLong()) {
            violations.add(new Violation(where, "has " + count + " " + unit + ", more than the maximum " + shape.get("max").asLong()));
        }
    }

    private static String join(String path, String member)
    {
        return path.isEmpty() ? member : path + "." + member;
    }

    private static String describe(JsonNode value)
    {
        String kind = switch (value.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
        return kind + " (" + abbreviate(value.toString()) + ")";
    }

    private static String abbreviate(String text)
    {
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
