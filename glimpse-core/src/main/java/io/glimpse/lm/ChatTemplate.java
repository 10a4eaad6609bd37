package io.glimpse.lm;

import io.glimpse.io.BadInputException;

import java.util.List;
import java.util.Locale;

/**
 * The chat templates of the supported checkpoints, as string builders equal to their Jinja originals
 * (the {@code chat_template} of each model's tokenizer_config.json on the Hugging Face hub,
 * e.g. llava-hf/llava-1.5-7b-hf and llava-hf/llava-onevision-qwen2-0.5b-ov-hf): DJL tokenizers do not render Jinja.
 */
public enum ChatTemplate {
    /**
     * llava-onevision-*-hf: {@code <|im_start|>role\n}, one {@code <image>\n} per image, one {@code <video>\n} per
     * video, the text, {@code <|im_end|>\n}; no default system prompt.
     */
    LLAVA_ONEVISION("<|im_end|>"),
    /** Qwen2-Instruct: ChatML as above, text only, with a default system prompt when the first turn is not one. */
    QWEN2_INSTRUCT("<|im_end|>", "<|endoftext|>"),
    /**
     * llava-1.5-*-hf: {@code ROLE: } (none for system), one {@code <image>\n} per image, the text and a space;
     * {@code ASSISTANT:} as the generation prompt. The tokenizer adds BOS.
     */
    LLAVA_1_5("</s>");

    private final String[] stops;

    ChatTemplate(String... stops) {
        this.stops = stops;
    }

    /** The template for a config.json {@code model_type}. */
    public static ChatTemplate forModelType(String modelType) {
        return switch (modelType) {
            case "llava_onevision" -> LLAVA_ONEVISION;
            case "llava" -> LLAVA_1_5;
            case "qwen2" -> QWEN2_INSTRUCT;
            default -> throw new BadInputException("no chat template for model_type '" + modelType
                    + "' (llava_onevision, llava, qwen2)");
        };
    }

    /**
     * The template a GGUF file's {@code tokenizer.chat_template} (Jinja) spells: ChatML with the default system prompt is
     * Qwen2-Instruct, ChatML without it LLaVA-OneVision's, {@code ASSISTANT:} turns LLaVA-1.5's.
     *
     * @throws BadInputException for any other template
     */
    public static ChatTemplate recognize(String jinja) {
        if (jinja.contains("<|im_start|>")) {
            return jinja.contains("You are a helpful assistant") ? QWEN2_INSTRUCT : LLAVA_ONEVISION;
        }
        if (jinja.contains("ASSISTANT:")) {
            return LLAVA_1_5;
        }
        throw new BadInputException("chat template is none of ChatML or LLaVA-1.5's USER:/ASSISTANT: turns");
    }

    /** Ids of the tokens that end an answer ({@code <|im_end|>}, {@code </s>}, …) that {@code tokenizer} has. */
    public int[] stopIds(TextTokenizer tokenizer) {
        return List.of(stops).stream().mapToInt(tokenizer::id).filter(id -> id >= 0).toArray();
    }

    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        StringBuilder s = new StringBuilder();
        switch (this) {
            case LLAVA_ONEVISION, QWEN2_INSTRUCT -> {
                if (this == QWEN2_INSTRUCT && (messages.isEmpty() || !messages.get(0).role().equals("system"))) {
                    s.append("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n");
                }
                for (ChatMessage m : messages) {
                    if (this == QWEN2_INSTRUCT && (m.images() > 0 || m.videos() > 0)) {
                        throw new BadInputException("the Qwen2-Instruct template has no image or video placeholders");
                    }
                    s.append("<|im_start|>").append(m.role()).append('\n');
                    s.append("<image>\n".repeat(m.images())).append("<video>\n".repeat(m.videos()));
                    s.append(m.text()).append("<|im_end|>\n");
                }
                if (addGenerationPrompt) {
                    s.append("<|im_start|>assistant\n");
                }
            }
            case LLAVA_1_5 -> {
                for (ChatMessage m : messages) {
                    if (m.videos() > 0) {
                        throw new BadInputException("LLaVA-1.5 takes images, not videos");
                    }
                    if (!m.role().equals("system")) {
                        s.append(m.role().toUpperCase(Locale.ROOT)).append(": ");
                    }
                    s.append("<image>\n".repeat(m.images()));
                    if (!m.text().isEmpty()) {
                        s.append(m.text()).append(' ');
                    }
                }
                if (addGenerationPrompt) {
                    s.append("ASSISTANT:");
                }
            }
        }
        return s.toString();
    }
}
