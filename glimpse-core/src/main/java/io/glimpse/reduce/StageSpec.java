package io.glimpse.reduce;

import io.glimpse.io.BadInputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One validated stage of a pipeline spec: a registered method and the parameter values the spec set explicitly.
 * Accessors fall back to the method's defaults. Immutable; equal when method and explicit values are equal.
 */
public final class StageSpec {
    private final ReducerMethod method;
    private final Map<String, Object> values;

    /**
     * @param values explicit values, already typed (Integer, Double, List of Integers or String); each is checked against its
     *               definition, and at most one budget form (keep, k, r) may be present
     */
    public StageSpec(ReducerMethod method, Map<String, Object> values) {
        this.method = method;
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (ParamDef def : method.params()) {
            if (values.containsKey(def.name())) {
                Object v = values.get(def.name());
                try {
                    def.check(v);
                } catch (IllegalArgumentException e) {
                    throw new BadInputException(method.name() + ": parameter " + def.name() + " " + e.getMessage());
                }
                ordered.put(def.name(), v);
            }
        }
        for (String key : values.keySet()) {
            if (!ordered.containsKey(key)) {
                throw new BadInputException(method.unknownParameter(key));
            }
        }
        long budgets = ordered.keySet().stream().filter(StageSpec::isBudgetParam).count();
        if (budgets > 1) {
            throw new BadInputException(method.name() + ": give at most one of keep, k, r (got "
                    + String.join(", ", ordered.keySet().stream().filter(StageSpec::isBudgetParam).toList()) + ")");
        }
        this.values = Collections.unmodifiableMap(ordered);
        // Building the reducer runs its constructor's checks between parameters (e.g. mink ≤ maxk), so a spec
        // that parses is one that runs.
        method.factory().apply(this);
    }

    public ReducerMethod method() {
        return method;
    }

    public String name() {
        return method.name();
    }

    /** The values the spec set explicitly, in the method's declaration order. */
    public Map<String, Object> values() {
        return values;
    }

    public boolean isSet(String param) {
        return values.containsKey(param);
    }

    public int integer(String param) {
        return ((Number) value(param)).intValue();
    }

    /** An integer-list parameter's entries. */
    public int[] integers(String param) {
        return ((List<?>) value(param)).stream().mapToInt(e -> (Integer) e).toArray();
    }

    public double real(String param) {
        return ((Number) value(param)).doubleValue();
    }

    public String choice(String param) {
        return (String) value(param);
    }

    /** The explicit budget, if the spec gave one. */
    public Optional<Budget> explicitBudget() {
        for (Budget.Kind kind : Budget.Kind.values()) {
            if (values.containsKey(kind.param())) {
                return Optional.of(new Budget(kind, ((Number) values.get(kind.param())).doubleValue()));
            }
        }
        return Optional.empty();
    }

    /** The explicit budget, else the method's default budget ({@code keep}'s default). */
    public Budget budget() {
        return explicitBudget().orElseGet(() -> {
            ParamDef keep = method.param(Budget.Kind.KEEP.param());
            if (keep == null || keep.defaultValue() == null) {
                throw new BadInputException(method.name() + " has no default budget; give keep=, k= or r=");
            }
            return Budget.keep(((Number) keep.defaultValue()).doubleValue());
        });
    }

    /** This stage with its budget replaced, e.g. by the pipeline's share of a final budget. */
    public StageSpec withBudget(Budget budget) {
        if (method.param(budget.kind().param()) == null) {
            throw new BadInputException(method.name() + " does not take a budget " + budget.kind().param() + "=");
        }
        Map<String, Object> v = new LinkedHashMap<>(values);
        v.keySet().removeIf(StageSpec::isBudgetParam);
        Object value = budget.kind() == Budget.Kind.KEEP ? (Object) budget.value() : (Object) (int) budget.value();
        v.put(budget.kind().param(), value);
        return new StageSpec(method, v);
    }

    /** Builds the reducer this stage describes. */
    public Reducer create() {
        return method.factory().apply(this);
    }

    private Object value(String param) {
        Object v = values.get(param);
        if (v != null) {
            return v;
        }
        ParamDef def = method.param(param);
        if (def == null) {
            throw new BadInputException(method.unknownParameter(param));
        }
        if (def.defaultValue() == null) {
            throw new BadInputException(method.name() + ": parameter " + param + " has no default and was not given");
        }
        return def.defaultValue();
    }

    static boolean isBudgetParam(String name) {
        for (Budget.Kind kind : Budget.Kind.values()) {
            if (kind.param().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Canonical spec text, {@code name} or {@code name:key=value,key=value}; parses back to an equal stage. */
    @Override
    public String toString() {
        if (values.isEmpty()) {
            return method.name();
        }
        StringBuilder sb = new StringBuilder(method.name()).append(':');
        boolean first = true;
        for (Map.Entry<String, Object> e : values.entrySet()) {
            sb.append(first ? "" : ",").append(e.getKey()).append('=').append(ParamDef.format(e.getValue()));
            first = false;
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StageSpec s && s.method.name().equals(method.name()) && s.values.equals(values);
    }

    @Override
    public int hashCode() {
        return method.name().hashCode() * 31 + values.hashCode();
    }
}
