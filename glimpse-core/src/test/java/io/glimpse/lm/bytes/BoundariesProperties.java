package io.glimpse.lm.bytes;

import io.glimpse.lm.TextTokenizer;
import io.glimpse.testkit.Fixtures;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two facts the byte model rests on, checked against the tokenizers themselves: the settled anchor splits the
 * encoding of every continuation, and every prefix of a canonical encoding that ends on a character boundary is
 * the canonical encoding of its own bytes.
 */
class BoundariesProperties {
    private static TextTokenizer qwenTokenizer;
    private static TextTokenizer llamaTokenizer;
    private static TokenBytes qwen;
    private static TokenBytes llama;
    private static TextTokenizer metaspaceTokenizer;
    private static TokenBytes metaspace;

    @BeforeContainer
    static void load() throws IOException {
        Path q = Fixtures.path("lm/qwen2");
        Path l = Fixtures.path("lm/llama");
        qwenTokenizer = TextTokenizer.load(q);
        llamaTokenizer = TextTokenizer.load(l);
        qwen = TokenBytes.read(q.resolve("tokenizer.json"), qwenTokenizer);
        llama = TokenBytes.read(l.resolve("tokenizer.json"), llamaTokenizer);
        Path m = Fixtures.path("lm/metaspace/tokenizer.json");
        metaspaceTokenizer = TextTokenizer.load(m);
        metaspace = TokenBytes.read(m, metaspaceTokenizer);
    }

    @AfterContainer
    static void close() {
        qwenTokenizer.close();
        llamaTokenizer.close();
        metaspaceTokenizer.close();
    }

    @Property(tries = 300)
    void theAnchorSplitsTheEncodingOfEveryContinuation(@ForAll("texts") String x, @ForAll("texts") String z) {
        for (TokenBytes vocab : List.of(qwen, llama, metaspace)) {
            byte[] prefix = vocab.modelled(x.getBytes(StandardCharsets.UTF_8));
            byte[] whole = vocab.modelled((x + z).getBytes(StandardCharsets.UTF_8));
            int a = Boundaries.anchor(vocab, prefix, prefix.length, 0);
            assertThat(a).isBetween(0, Math.max(0, prefix.length - 1));
            int[] head = a == 0 ? new int[0] : vocab.encode(Arrays.copyOf(prefix, a));
            int[] tail = vocab.encode(Arrays.copyOfRange(whole, a, whole.length));
            int[] joined = Arrays.copyOf(head, head.length + tail.length);
            System.arraycopy(tail, 0, joined, head.length, tail.length);
            assertThat(joined).as("%s | %s at %d", x, z, a).containsExactly(vocab.encode(whole));
        }
    }

    @Property(tries = 300)
    void prefixesOfCanonicalEncodingsAreCanonical(@ForAll("texts") String w) {
        for (TokenBytes vocab : List.of(qwen, llama, metaspace)) {
            byte[] modelled = vocab.modelled(w.getBytes(StandardCharsets.UTF_8));
            int[] enc = vocab.encode(modelled);
            ByteArrayOutputStream spelled = new ByteArrayOutputStream();
            for (int k = 1; k <= enc.length; k++) {
                spelled.writeBytes(vocab.bytes(enc[k - 1]));
                byte[] b = spelled.toByteArray();
                if (Utf8.state(b, 0, b.length) == Utf8.State.COMPLETE) {
                    assertThat(vocab.encode(b)).as("%s, first %d tokens", w, k).containsExactly(Arrays.copyOf(enc, k));
                }
            }
            assertThat(spelled.toByteArray()).as("the tokens spell the text").isEqualTo(modelled);
        }
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.of("a", "b", "t", "h", "e", "the", "What", " ", "  ", "\n", "\n\n", "\t", ",", ".", "'", "'s",
                        "1", "23", "é", "中", "W", "?", "dog", " cat")
                .list().ofMinSize(1).ofMaxSize(8).map(parts -> String.join("", parts));
    }
}
