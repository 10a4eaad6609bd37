package io.glimpse.reduce;

import io.glimpse.tokens.AttentionMaps;
import io.glimpse.tokens.TokenSet;

/** A token-reduction method: a pure function from one TokenSet to a smaller (or equal) one. */
public interface Reducer {
    /** The method's name in the spec language, e.g. {@code tome}. */
    String name();

    TokenSet apply(TokenSet in, ReduceContext ctx);

    /** The encoder's maps and key rows this reducer reads from its context; none unless it says so. */
    default AttentionMaps.Request needs() {
        return AttentionMaps.Request.NONE;
    }
}
