package io.glimpse.bench.cli;

import io.glimpse.bench.run.DecodeBench;
import io.glimpse.lm.DecoderConfig;
import io.glimpse.tensor.WeightFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code glimpse bench decode}: see {@link DecodeBench}. */
@Command(name = "decode", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Decode and prefill speed of random-weight decoders per stored format, beside the memory floor.")
final class BenchDecodeCommand implements Callable<Integer> {
    @Option(names = "--models", split = ",", defaultValue = "qwen2-0.5b", paramLabel = "NAME",
            description = "Decoder shapes: qwen2-0.5b, llama-7b (LLaVA-1.5-7B's decoder), tiny (to check the command) "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--weights", split = ",", defaultValue = "f32,f16,bf16,q8_0,q4_0", paramLabel = "FORMAT",
            description = "Stored formats to time: f32, f16, bf16, q8_0, q4_0, and the k-quants q4_k, q6_k (random blocks; "
                    + "only shapes whose widths are multiples of 256, as llama-7b) (default: ${DEFAULT-VALUE}).")
    List<String> weights;

    @Option(names = "--tg", defaultValue = "64", description = "Tokens generated per decode measurement (default: ${DEFAULT-VALUE}).")
    int tg;

    @Option(names = "--pp", defaultValue = "512", description = "Tokens of the prefill measurement (default: ${DEFAULT-VALUE}).")
    int pp;

    @Option(names = "--context", defaultValue = "2048", description = "Cached tokens of the second decode measurement (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--threads", description = "Threads (default: every core).")
    Integer threads;

    @Option(names = "--repeat", defaultValue = "2", description = "Runs of each measurement (the first also compiles the kernels); the best counts (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--llama-bench", paramLabel = "PATH",
            description = "A llama.cpp llama-bench binary to run on the same GGUF files, once after each of Glimpse's rounds "
                    + "(-r 1); its best rates are printed beside with the ratios.")
    Path llamaBench;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "N",
            description = "Also decode N sequences together and print their aggregate tok/s beside one sequence's "
                    + "(default: ${DEFAULT-VALUE}, off).")
    int batch;

    @CommandLine.Mixin
    CacheOption cache = new CacheOption();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<DecodeBench.Shape> shapes = new ArrayList<>();
        for (String m : models) {
            shapes.add(DecodeBench.SHAPES.stream().filter(s -> s.name().equals(m)).findFirst().orElseThrow(() ->
                    new CommandLine.ParameterException(spec.commandLine(), "unknown model '" + m + "' (known: "
                            + DecodeBench.SHAPES.stream().map(DecodeBench.Shape::name).toList() + ")")));
        }
        List<WeightFormat> formats = new ArrayList<>();
        for (String w : weights) {
            WeightFormat f = WeightFormat.parse(w);
            if (f == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown --weights '" + w + "' (f32, f16, bf16, q8_0, q4_0, q4_k, q6_k)");
            }
            for (DecodeBench.Shape sh : shapes) {
                DecoderConfig c = sh.config();
                if (c.hiddenSize() % f.blockSize() != 0 || c.intermediateSize() % f.blockSize() != 0
                        || c.heads() * c.headDim() % f.blockSize() != 0) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--weights " + w + " needs widths that are "
                            + "multiples of " + f.blockSize() + "; " + sh.name() + " has hidden " + c.hiddenSize() + " and MLP "
                            + c.intermediateSize());
                }
            }
            formats.add(f);
        }
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1 || tg < 1 || pp < 1 || context < 1 || repeat < 1 || batch < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--threads, --tg, --pp, --context, --repeat and --batch must be ≥ 1");
        }
        DecodeBench.run(new DecodeBench.Options(shapes, formats, tg, pp, context, n, repeat, cache.dir, llamaBench, batch),
                spec.commandLine().getOut());
        return 0;
    }
}
