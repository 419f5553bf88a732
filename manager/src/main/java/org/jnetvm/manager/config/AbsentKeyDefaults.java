package org.jnetvm.manager.config;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.ValueInstantiators;
import com.fasterxml.jackson.databind.deser.impl.PropertyValueBuffer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A Jackson module that gives each absent or null key of a config record the value it has in that record's
 * {@code DEFAULTS}. Jackson alone would pass 0 for an absent {@code int}, which the records could not tell from a
 * written 0; with this, the records keep plain {@code int} and {@code boolean} components and the defaults are
 * written down once, in the records. Registered by {@link ConfigLoader} only.
 */
final class AbsentKeyDefaults extends ValueInstantiators.Base {
    private final Map<Class<?>, Record> defaults;

    private AbsentKeyDefaults(List<Record> defaults) {
        this.defaults = defaults.stream().collect(Collectors.toUnmodifiableMap(Record::getClass, Function.identity()));
    }

    /** A module filling absent keys of each record type from the given instance of it. */
    static Module module(Record... defaults) {
        var instantiators = new AbsentKeyDefaults(List.of(defaults));
        return new SimpleModule("jnetvm-config-defaults") {
            @Override
            public void setupModule(SetupContext context) {
                super.setupModule(context);
                context.addValueInstantiators(instantiators);
            }
        };
    }

    @Override
    public ValueInstantiator findValueInstantiator(
            DeserializationConfig config, BeanDescription description, ValueInstantiator instantiator) {
        Record template = defaults.get(description.getBeanClass());
        return template == null ? instantiator : new Defaulting(instantiator, componentValues(template));
    }

    private static Object[] componentValues(Record template) {
        return Arrays.stream(template.getClass().getRecordComponents())
                .map(component -> valueOf(component, template))
                .toArray();
    }

    private static Object valueOf(RecordComponent component, Record template) {
        try {
            return component.getAccessor().invoke(template);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component + " of the config defaults", e);
        }
    }

    /** Builds a record from the keys present, taking the rest from the template's component values. */
    private static final class Defaulting extends ValueInstantiator.Delegating {
        private final Object[] defaults;

        Defaulting(ValueInstantiator delegate, Object[] defaults) {
            super(delegate);
            this.defaults = defaults;
        }

        // Delegating's own version would wrap a changed delegate in a plain Delegating and drop the defaults.
        @Override
        public ValueInstantiator createContextual(DeserializationContext context, BeanDescription description)
                throws JsonMappingException {
            ValueInstantiator contextual = delegate().createContextual(context, description);
            return contextual == delegate() ? this : new Defaulting(contextual, defaults);
        }

        @Override
        public Object createFromObjectWith(
                DeserializationContext context, SettableBeanProperty[] properties, PropertyValueBuffer buffer)
                throws IOException {
            // A record's creator properties are its components, in order: creator index i is component i.
            Object[] arguments = new Object[properties.length];
            for (SettableBeanProperty property : properties) {
                int i = property.getCreatorIndex();
                Object value = buffer.hasParameter(property) ? buffer.getParameter(property) : null;
                arguments[i] = value != null ? value : defaults[i];
            }
            return createFromObjectWith(context, arguments);
        }
    }
}
