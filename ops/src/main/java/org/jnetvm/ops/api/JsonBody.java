package org.jnetvm.ops.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jnetvm.ops.view.Views;

/**
 * A request body checked field by field, so that a refusal names the field at fault: not JSON, not an object, an
 * unknown field, a field of the wrong type. Made per request; one thread.
 */
final class JsonBody {
    private final JsonNode root;
    private final String example;

    private JsonBody(JsonNode root, String example) {
        this.root = root;
        this.example = example;
    }

    /**
     * Parses {@code text} as a JSON object with only {@code known} fields.
     *
     * @param contentType the request's Content-Type header, or null
     * @param example     a valid body, quoted in refusals
     * @param optional    whether an empty body stands for {@code {}}
     */
    static JsonBody parse(String contentType, String text, String example, boolean optional, String... known) {
        if (contentType != null && !contentType.isBlank() && !contentType.toLowerCase().startsWith("application/json")) {
            throw new ApiException(415, "Content-Type", "the body is " + contentType + "; send JSON with"
                    + " Content-Type: application/json, for example " + example);
        }
        if (text == null || text.isBlank()) {
            if (optional) {
                return new JsonBody(Views.JSON.createObjectNode(), example);
            }
            throw ApiException.badRequest(null, "the body is empty; send a JSON object such as " + example);
        }
        JsonNode root;
        try {
            root = Views.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest(null, "the body is not JSON (" + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                    + "); send a JSON object such as " + example);
        }
        if (!root.isObject()) {
            throw ApiException.badRequest(null, "the body is " + describe(root) + ", not a JSON object; send one such"
                    + " as " + example);
        }
        Set<String> allowed = Set.of(known);
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw ApiException.badRequest(name, "unknown field '" + name + "'; known fields: "
                        + String.join(", ", new TreeSet<>(allowed)) + "; for example " + example);
            }
        }
        return new JsonBody(root, example);
    }

    /** The field as text, or empty when absent or null. */
    Optional<String> text(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw wrongType(field, "text", node);
        }
        return Optional.of(node.textValue());
    }

    /** The field as text or a whole number written as text: a reference by name or id. */
    Optional<String> nameOrId(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return Optional.empty();
        }
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return Optional.of(Integer.toString(node.intValue()));
        }
        if (!node.isTextual()) {
            throw wrongType(field, "a name (text) or an id (a whole number)", node);
        }
        return Optional.of(node.textValue());
    }

    /** The field as a whole number that fits an int. */
    Optional<Integer> integer(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw wrongType(field, "a whole number", node);
        }
        return Optional.of(node.intValue());
    }

    Optional<Boolean> bool(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw wrongType(field, "true or false", node);
        }
        return Optional.of(node.booleanValue());
    }

    Optional<List<String>> strings(String field) {
        JsonNode node = present(field);
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isArray()) {
            throw wrongType(field, "a list of text", node);
        }
        List<String> list = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            if (!element.isTextual()) {
                throw wrongType(field + "[" + i + "]", "text", element);
            }
            list.add(element.textValue());
        }
        return Optional.of(list);
    }

    /** The field's value, which must be there. */
    static <T> T required(Optional<T> value, String field, String what) {
        return value.orElseThrow(() -> ApiException.badRequest(field, "missing; give " + what));
    }

    private JsonNode present(String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node;
    }

    private ApiException wrongType(String field, String expected, JsonNode found) {
        return ApiException.badRequest(field, "expected " + expected + ", found " + describe(found) + "; for example "
                + example);
    }

    private static String describe(JsonNode node) {
        JsonNodeType type = node.getNodeType();
        return switch (type) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "text";
            case NUMBER -> node.isIntegralNumber() ? "a whole number" : "a fraction";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> type.name().toLowerCase();
        };
    }
}
