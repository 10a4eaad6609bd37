package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reduction methods by spec name. Immutable; {@link Reducers#registry()} is the built-in one. */
public final class ReducerRegistry {
    private final Map<String, ReducerMethod> methods;

    private ReducerRegistry(Map<String, ReducerMethod> methods) {
        this.methods = Collections.unmodifiableMap(new LinkedHashMap<>(methods));
    }

    public static ReducerRegistry of(ReducerMethod... methods) {
        Map<String, ReducerMethod> m = new LinkedHashMap<>();
        for (ReducerMethod method : methods) {
            if (m.put(method.name(), method) != null) {
                throw new IllegalArgumentException("reduction method '" + method.name() + "' registered twice");
            }
        }
        return new ReducerRegistry(m);
    }

    /** A registry with this one's methods plus more (e.g. an application's own). */
    public ReducerRegistry with(ReducerMethod... more) {
        ReducerMethod[] all = methods.values().toArray(new ReducerMethod[0]);
        ReducerMethod[] joined = Arrays.copyOf(all, all.length + more.length);
        System.arraycopy(more, 0, joined, all.length, more.length);
        return of(joined);
    }

    /**
     * The method of that name.
     *
     * @throws IllegalArgumentException listing the valid names when there is none
     */
    public ReducerMethod method(String name) {
        ReducerMethod m = methods.get(name);
        if (m == null) {
            throw new BadInputException("unknown reduction method " + ParamDef.quoted(name) + "; valid methods: "
                    + String.join(", ", methods.keySet()));
        }
        return m;
    }

    public boolean contains(String name) {
        return methods.containsKey(name);
    }

    public Collection<ReducerMethod> methods() {
        return methods.values();
    }
}
