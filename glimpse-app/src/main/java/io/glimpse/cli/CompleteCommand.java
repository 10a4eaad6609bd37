package io.glimpse.cli;

import io.glimpse.job.CompleteJob;
import io.glimpse.job.Utf8Stream;
import io.glimpse.report.CompletionReport;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code glimpse complete --model DIR|FILE.gguf --byte-level PROMPT}: continues a text byte by byte from the exact
 * next-byte probabilities of a decoder (see {@link CompleteJob}), streaming it to stdout.
 */
@Command(name = "complete", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Continue a text with a decoder checkpoint folder (config.json, *.safetensors, a BPE tokenizer.json) "
                + "or a GGUF language model, "
                + "byte by byte from exact next-byte probabilities: a prompt may end inside a word or a token.",
                "The completion streams to stdout; --show-probs prints the most probable next bytes at every step."})
public final class CompleteCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Prompt prompt;

    static final class Prompt {
        @Parameters(index = "0", paramLabel = "PROMPT", description = "The text to continue.")
        String text;

        @Option(names = "--prompt-file", paramLabel = "FILE", description = "Read the text to continue from FILE, as bytes (UTF-8).")
        Path file;
    }

    @Option(names = "--model", required = true, paramLabel = "DIR|FILE.gguf", description = "Decoder checkpoint folder "
            + "(Qwen2 or Llama) or GGUF language model (its own tokenizer; weights as stored).")
    Path model;

    @Option(names = "--byte-level", required = true, description = "Read the model byte by byte (the one mode complete has).")
    boolean byteLevel;

    @Option(names = "--ensemble", paramLabel = "DIR|FILE.gguf", description = "Another model, any vocabulary: the byte "
            + "distributions of all models are averaged; repeat for more.")
    List<Path> ensemble = new ArrayList<>();

    @Option(names = "--max-bytes", defaultValue = "64", paramLabel = "N", description = "Most bytes to generate (default: ${DEFAULT-VALUE}).")
    int maxBytes;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T", description = "Sampling temperature, 0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", paramLabel = "P", description = "Nucleus sampling mass (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--show-probs", description = "Print the most probable next bytes with their probabilities at every step.")
    boolean showProbs;

    @Option(names = "--top", defaultValue = "5", paramLabel = "K", description = "How many next bytes --show-probs lists (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--json", description = "Print one JSON object (prompt, completion, ended, and the steps with --show-probs) instead of streaming.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (maxBytes < 1) {
            throw new CommandLine.ParameterException(cl, "--max-bytes must be positive");
        }
        if (topK < 1) {
            throw new CommandLine.ParameterException(cl, "--top must be positive");
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new CommandLine.ParameterException(cl, "--temperature must be finite and non-negative");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new CommandLine.ParameterException(cl, "--top-p must be in (0, 1]");
        }
        byte[] text = prompt.file != null ? Files.readAllBytes(prompt.file) : prompt.text.getBytes(StandardCharsets.UTF_8);
        List<Path> models = new ArrayList<>(List.of(model));
        models.addAll(ensemble);
        int top = showProbs ? topK : 0;
        PrintWriter out = cl.getOut();
        Utf8Stream stream = new Utf8Stream();
        List<CompleteJob.Step> steps = new ArrayList<>();
        CompleteJob.Result r = CompleteJob.run(models, new CompleteJob.Options(text, maxBytes, temperature, topP, seed, top), step -> {
            steps.add(step);
            if (json) {
                return;
            }
            if (top > 0) {
                out.println(CompletionReport.step(step));
            } else if (step.chosen().symbol() != CompleteJob.END) {
                out.print(stream.accept(step.chosen().symbol()));
            }
            out.flush();
        });
        if (json) {
            out.println(CompletionReport.json(text, r, top > 0 ? steps : List.of()));
        } else if (top > 0) {
            out.println("completion: " + new String(r.completion(), StandardCharsets.UTF_8));
        } else {
            out.println(stream.rest());
        }
        return GlimpseCli.OK;
    }
}
