package io.glimpse.clip;

import io.glimpse.image.RgbImage;
import io.glimpse.lm.TextTokenizer;
import io.glimpse.tensor.VectorOps;
import io.glimpse.vision.ImageProcessor;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Relevance of frames to a text query under a CLIP or SigLIP dual encoder: the cosine of the frame's and the
 * query's embeddings, mapped to [0, 1]. This is the frame score QuoTA-style allocation and key-clip anchoring use.
 */
public final class QueryScorer {
    private final DualEncoder dual;
    private final ImageProcessor processor;
    private final float[] query;

    private QueryScorer(DualEncoder dual, ImageProcessor processor, float[] query) {
        this.dual = dual;
        this.processor = processor;
        this.query = query;
    }

    /** Loads the checkpoint folder (config.json, *.safetensors, preprocessor_config.json, tokenizer.json or spiece.model). */
    public static QueryScorer load(Path model, String text) throws IOException {
        DualEncoder dual = DualEncoder.load(model);
        ImageProcessor processor = ImageProcessor.read(model.resolve("preprocessor_config.json"));
        try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
            return new QueryScorer(dual, processor, dual.textEmbedding(dual.text().fitIds(tokenizer.encode(text, true))));
        }
    }

    public double score(RgbImage frame) {
        float[] image = dual.imageEmbedding(processor.process(frame));
        return (VectorOps.cosine(image, 0, query, 0, image.length) + 1) / 2;
    }
}
