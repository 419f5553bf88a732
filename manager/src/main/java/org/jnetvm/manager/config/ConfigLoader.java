package org.jnetvm.manager.config;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads the manager's YAML config and refuses a malformed one before anything starts. The CLI's {@code jnetvm manager
 * --config FILE} calls {@link #load(Path)}, and {@link #defaults()} without a file; tests and tools may call
 * {@link #parse(String, String)}. Every refusal is a {@link ConfigException} naming file, line, column and field.
 * Stateless and thread-safe.
 */
public final class ConfigLoader {
    private static final YAMLMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
                    // "key:" with nothing after it is null in YAML; the builder would make it "".
                    .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            // YamlLocations refuses a duplicate key (naming the first one's line) and a second document before
            // binding; these two stay as the binder's own guard.
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // A null inside a list or map would only surface later as a NullPointerException.
            .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
            .addModule(AbsentKeyDefaults.module(
                    ManagerConfig.DEFAULTS,
                    RegionConfig.DEFAULTS,
                    ControlConfig.DEFAULTS,
                    ThreadsConfig.DEFAULTS,
                    PortConfig.DEFAULTS,
                    ServiceConfig.DEFAULTS,
                    PerFlowConfig.DEFAULTS,
                    ChainsConfig.DEFAULTS,
                    NfConfig.DEFAULTS,
                    ApiConfig.DEFAULTS,
                    FlowsConfig.DEFAULTS,
                    SchedulerConfig.DEFAULTS))
            .build();

    private ConfigLoader() {
    }

    /** The config of a manager started without {@code --config}: one generator port, an empty default chain. */
    public static ManagerConfig defaults() {
        return ManagerConfig.DEFAULTS;
    }

    /**
     * Reads and checks the config in {@code file} (UTF-8 YAML).
     *
     * @throws ConfigException if the file cannot be read or the config is malformed
     */
    public static ManagerConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), 0, 0, FieldPath.ROOT,
                    "the config file does not exist; check the path given to --config", e);
        } catch (CharacterCodingException e) {
            throw new ConfigException(file.toString(), 0, 0, FieldPath.ROOT,
                    "the file is not UTF-8 text; save the config as UTF-8", e);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), 0, 0, FieldPath.ROOT,
                    "cannot read the config file (" + e + "); check that it is a readable file", e);
        }
        return parse(text, file.toString());
    }

    /**
     * Checks the config in {@code yamlText}; an empty text (or one of comments only) gives {@link #defaults()}.
     *
     * @param sourceName what errors call the text, usually its file name
     * @throws ConfigException if the config is malformed
     */
    public static ManagerConfig parse(String yamlText, String sourceName) {
        YamlLocations locations;
        try {
            locations = YamlLocations.scan(yamlText, sourceName);
        } catch (JsonProcessingException e) {
            throw syntaxError(e, sourceName);
        } catch (IOException e) {
            throw new UncheckedIOException("reading from a string failed", e);
        }
        JsonToken root = locations.rootToken();
        if (root == null || root == JsonToken.VALUE_NULL) {
            return defaults();
        }
        if (root != JsonToken.START_OBJECT) {
            throw new ConfigException(sourceName, locations.of(FieldPath.ROOT), FieldPath.ROOT, "the top level is "
                    + describe(root) + ", not a mapping; write the config as keys such as region:, ports:, chains:",
                    null);
        }
        ManagerConfig config;
        try {
            config = MAPPER.readValue(yamlText, ManagerConfig.class);
        } catch (JsonMappingException e) {
            throw refusal(e, sourceName, locations);
        } catch (JsonProcessingException e) {
            throw syntaxError(e, sourceName); // not seen: the scan has parsed the same text
        }
        try {
            return ConfigResolver.resolve(config);
        } catch (ConfigException e) {
            throw e.at(sourceName, locations.of(e.field()));
        }
    }

    /**
     * Checks a config built in code by the rules a file must pass, and resolves its services the same way.
     *
     * @throws ConfigException naming the field (but no file or line) if the config breaks a rule
     */
    public static ManagerConfig resolve(ManagerConfig config) {
        return ConfigResolver.resolve(config);
    }

    /**
     * Turns Jackson's report of a value that does not fit its field into one for people. The place comes from the
     * scan: Jackson's own points past the value, where its YAML parser has read ahead to.
     */
    private static ConfigException refusal(JsonMappingException e, String file, YamlLocations locations) {
        String field = path(e.getPath());
        JsonLocation at = e instanceof UnrecognizedPropertyException ? locations.keyOf(field) : locations.of(field);
        return new ConfigException(file, at, field, detail(e, field), e);
    }

    private static String detail(JsonMappingException e, String field) {
        if (e.getCause() instanceof InputCoercionException tooLarge) {
            return tooLarge.getOriginalMessage() + "; write a value in this field's range";
        }
        return switch (e) {
            case UnrecognizedPropertyException unknown -> "unknown field '" + unknown.getPropertyName() + "' in "
                    + section(FieldPath.parent(field)) + "; known fields: " + join(unknown.getKnownPropertyIds())
                    + "; fix the spelling or remove it";
            case InvalidFormatException format when format.getTargetType().isEnum() -> "'" + format.getValue()
                    + "' is not one of " + words(format.getTargetType()) + "; use one of them";
            case InvalidFormatException format -> "'" + format.getValue() + "' is not "
                    + expected(format.getTargetType()) + "; write " + expected(format.getTargetType());
            case MismatchedInputException mismatch -> mismatch(mismatch.getTargetType(), mismatch.getCurrentToken());
            default -> e.getOriginalMessage();
        };
    }

    /** Jackson's location, and snakeyaml's report without its excerpt ("while parsing ...: expected ..."). */
    private static ConfigException syntaxError(JsonProcessingException e, String file) {
        String problem = e.getOriginalMessage().lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .collect(Collectors.joining(": "));
        return new ConfigException(file, e.getLocation(), FieldPath.ROOT,
                "YAML syntax error: " + problem + "; check the indentation, colons and quotes here", e);
    }

    private static String path(List<JsonMappingException.Reference> references) {
        String path = FieldPath.ROOT;
        for (var reference : references) {
            path = reference.getFieldName() != null
                    ? FieldPath.key(path, reference.getFieldName())
                    : FieldPath.index(path, reference.getIndex());
        }
        return path;
    }

    private static String section(String path) {
        return path.isEmpty() ? "the top level" : path;
    }

    private static String join(Collection<?> names) {
        return names.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    private static String words(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants())
                .map(constant -> ((ConfigWord) constant).key())
                .collect(Collectors.joining(", "));
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another kind of value";
        }
        if (type == int.class || type == Integer.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "text";
        }
        if (type.isEnum()) {
            return "one of " + words(type);
        }
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "a mapping"; // a config record, or a Map
    }

    private static String mismatch(Class<?> target, JsonToken found) {
        String expected = expected(target);
        if (found == JsonToken.VALUE_NULL) {
            return "expected " + expected + ", found nothing; write " + expected
                    + ", or remove the key for its default";
        }
        return "expected " + expected + (found == null ? "" : ", found " + describe(found)) + "; write " + expected;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "a list";
            case START_OBJECT -> "a mapping";
            case VALUE_STRING -> "text";
            case VALUE_NUMBER_INT -> "a whole number";
            case VALUE_NUMBER_FLOAT -> "a fraction";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "nothing";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }
}
