package io.glimpse.job;

import io.glimpse.io.BadInputException;
import io.glimpse.io.GgufFile;
import io.glimpse.lm.DecoderModel;
import io.glimpse.lm.GgufTokenizer;
import io.glimpse.lm.Sampler;
import io.glimpse.lm.TextTokenizer;
import io.glimpse.lm.bytes.ByteEnsemble;
import io.glimpse.lm.bytes.ByteModel;
import io.glimpse.lm.bytes.TokenBytes;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * {@code glimpse complete --byte-level}: a text continued byte by byte from the exact next-byte distribution of
 * one decoder (checkpoint folder or GGUF file), or the mean distribution of several with different vocabularies
 * ({@link io.glimpse.lm.bytes.ByteModel}, {@link io.glimpse.lm.bytes.ByteEnsemble}), sampled with temperature and
 * top-p ({@link Sampler}, greedy at temperature 0). A server front end keeps {@link Model}s loaded and calls
 * {@link #generate}.
 */
public final class CompleteJob {
    /** The symbol after the 256 bytes: the text ends. */
    public static final int END = ByteModel.END;

    /**
     * @param prompt      the text to continue, UTF-8 ending on a character boundary
     * @param maxBytes    most bytes to generate
     * @param temperature 0 for greedy
     * @param topP        nucleus mass in (0, 1]
     * @param top         how many of the most probable next symbols each {@link Step} lists (0: none)
     */
    public record Options(byte[] prompt, int maxBytes, double temperature, double topP, long seed, int top) {
        public Options {
            prompt = prompt.clone();
            if (maxBytes < 0 || top < 0) {
                throw new IllegalArgumentException("need maxBytes >= 0 and top >= 0");
            }
        }
    }

    /**
     * A decoder ready to be read byte by byte; a server keeps it loaded across requests. Closing it closes the
     * tokenizer.
     */
    public record Model(DecoderModel decoder, TokenBytes vocab, TextTokenizer tokenizer) implements AutoCloseable {
        /**
         * Loads a checkpoint folder (config.json, *.safetensors and a BPE tokenizer.json) or a GGUF language model
         * (its decoder, weights as stored, and the tokenizer in its metadata).
         */
        public static Model load(Path source) throws IOException {
            boolean gguf = TowerEncoder.isGguf(source);
            GgufFile file = gguf ? GgufFile.read(source) : null;
            if (!gguf && !Files.isRegularFile(source.resolve("tokenizer.json"))) {
                throw new BadInputException(source + ": no tokenizer.json (byte-level completion reads the BPE vocabulary from it)");
            }
            TextTokenizer tokenizer = gguf ? GgufTokenizer.load(file) : TextTokenizer.load(source.resolve("tokenizer.json"));
            try {
                TokenBytes vocab = vocabulary(source, file, tokenizer);
                DecoderModel decoder = gguf ? DecoderModel.load(file, null) : DecoderModel.load(source);
                return checked(source, decoder, vocab, tokenizer);
            } catch (IOException | RuntimeException e) {
                tokenizer.close();
                throw e;
            }
        }

        /**
         * A decoder and tokenizer loaded already (a server's), with the vocabulary of the same {@code source}: the
         * checkpoint folder or GGUF language model they came from. The caller keeps owning the tokenizer.
         */
        public static Model of(Path source, DecoderModel decoder, TextTokenizer tokenizer) throws IOException {
            return checked(source, decoder, vocabulary(source, TowerEncoder.isGguf(source) ? GgufFile.read(source) : null,
                    tokenizer), tokenizer);
        }

        private static TokenBytes vocabulary(Path source, GgufFile gguf, TextTokenizer tokenizer) throws IOException {
            return gguf != null ? TokenBytes.of(GgufTokenizer.vocabulary(gguf), source.toString(), tokenizer)
                    : TokenBytes.read(source.resolve("tokenizer.json"), tokenizer);
        }

        private static Model checked(Path source, DecoderModel decoder, TokenBytes vocab, TextTokenizer tokenizer) {
            if (decoder.config().vocabSize() < vocab.size()) {
                throw new BadInputException(source + ": the decoder has " + decoder.config().vocabSize()
                        + " embedding rows for a tokenizer of " + vocab.size() + " ids");
            }
            return new Model(decoder, vocab, tokenizer);
        }

        @Override
        public void close() {
            tokenizer.close();
        }
    }

    /** A next symbol (a byte 0–255 or {@link #END}) and its probability. */
    public record Choice(int symbol, double probability) {
    }

    /** One generated symbol and, when asked, the most probable symbols it was chosen among. */
    public record Step(Choice chosen, List<Choice> top) {
    }

    /**
     * @param completion the generated bytes (may end inside a character when the byte limit cut it)
     * @param ended      whether the model ended the text (else the byte limit stopped it)
     */
    public record Result(byte[] completion, boolean ended) {
    }

    private CompleteJob() {
    }

    /**
     * Loads the checkpoint folders (more than one averages their byte distributions), generates, and closes them;
     * see {@link #generate}.
     */
    public static Result run(List<Path> dirs, Options o, Consumer<Step> onStep) throws IOException {
        List<Model> models = new ArrayList<>();
        try {
            for (Path dir : dirs) {
                models.add(Model.load(dir));
            }
            return generate(models, o, onStep);
        } finally {
            models.forEach(Model::close);
        }
    }

    /**
     * Continues {@code o.prompt()} with loaded models (one, or several whose byte distributions are averaged),
     * handing every step to {@code onStep} as soon as it is chosen. Models are only read, so requests may share them.
     */
    public static Result generate(List<Model> models, Options o, Consumer<Step> onStep) {
        return generateWhile(models, o, step -> {
            onStep.accept(step);
            return true;
        });
    }

    /**
     * As {@link #generate}, stopping early when {@code goOn} answers false for a step (a server's stop string or
     * departed client); that step's byte is the last of the completion.
     */
    public static Result generateWhile(List<Model> models, Options o, Predicate<Step> goOn) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("need a model");
        }
        List<ByteModel> members = models.stream()
                .map(m -> ByteModel.open(m.decoder(), m.vocab(), o.prompt(), o.maxBytes())).toList();
        return generate(new ByteEnsemble(members), o, goOn);
    }

    private static Result generate(ByteEnsemble model, Options o, Predicate<Step> goOn) {
        Sampler sampler = Sampler.sampling(o.temperature(), o.topP(), o.seed());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < o.maxBytes(); i++) {
            double[] p = model.next();
            float[] logits = new float[p.length];
            for (int s = 0; s < p.length; s++) {
                logits[s] = (float) Math.log(p[s]);
            }
            int symbol = sampler.next(logits, p.length);
            boolean more = goOn.test(new Step(new Choice(symbol, p[symbol]), top(p, o.top())));
            if (symbol == END) {
                return new Result(out.toByteArray(), true);
            }
            out.write(symbol);
            if (!more) {
                break;
            }
            model.append(symbol);
        }
        return new Result(out.toByteArray(), false);
    }

    private static List<Choice> top(double[] p, int k) {
        return IntStream.range(0, p.length).boxed()
                .sorted(Comparator.comparingDouble((Integer s) -> -p[s]).thenComparingInt(s -> s))
                .limit(k).filter(s -> p[s] > 0).map(s -> new Choice(s, p[s])).toList();
    }
}
