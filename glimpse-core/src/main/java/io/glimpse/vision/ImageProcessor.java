package io.glimpse.vision;

import io.glimpse.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glimpse.image.Resampler;
import io.glimpse.image.Resize;
import io.glimpse.image.RgbImage;
import io.glimpse.io.BadInputException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * CLIPImageProcessor / SiglipImageProcessor / LlavaImageProcessor on their PIL path, read from
 * preprocessor_config.json (transformers {@code models/clip/image_processing_clip.py},
 * {@code models/siglip/image_processing_siglip.py}, {@code models/llava/image_processing_llava.py}): optional pad-to-square with the mean colour
 * (LLaVA's {@code do_pad}), resize (shortest edge with the long side truncated, or straight to height×width) with
 * PIL's BICUBIC, centre crop with floored offsets, rescale in double then float, per-channel normalize in float.
 * The output is channels-first float32, as {@code pixel_values}. LlavaOnevisionImageProcessor is read as the per-crop
 * step of its anyres path ({@code image_processing_llava_onevision.py}): each crop resized straight to height×width, no centre crop; its {@code do_pad}
 * pads batches of crops, not images, so it does not turn on pad-to-square. The anyres tiling itself is the model's.
 *
 * @param shortestEdge resize the short side to this (long side {@code int(s·long/short)}), or 0
 * @param resizeH      resize straight to resizeH×resizeW when shortestEdge is 0; 0 = no resize
 * @param cropH        centre crop height, 0 = no crop
 */
public record ImageProcessor(String type, boolean pad, int shortestEdge, int resizeH, int resizeW, int cropH, int cropW,
                             double rescaleFactor, boolean rescale, float[] mean, float[] std, boolean normalize,
                             Resampler resampler) {

    private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
    private static final float[] HALF = {0.5f, 0.5f, 0.5f};
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PIL_BICUBIC = 3;
    /** Largest side a config may ask for; real processors use at most a few thousand pixels. */
    static final int MAX_SIDE = 8192;
    /** Largest intermediate image the resize step may produce (extreme aspect ratios under shortest_edge). */
    private static final long MAX_PIXELS = 1L << 26;

    /** Reads preprocessor_config.json, resampling with {@link Resize}'s Pillow-exact BICUBIC. */
    public static ImageProcessor read(Path file) throws IOException {
        return parse(JsonFiles.readObject(file), file);
    }

    public static ImageProcessor read(Path file, Resampler resampler) throws IOException {
        return parse(JsonFiles.readObject(file), file, resampler);
    }

    /** A preprocessor_config.json object read from {@code file} (named in errors), with Pillow-exact BICUBIC. */
    public static ImageProcessor parse(JsonNode root, Path file) {
        return parse(root, file, (image, width, height) -> Resize.resize(image, width, height, Resize.Filter.BICUBIC));
    }

    public static ImageProcessor parse(JsonNode root, Path file, Resampler resampler) {
        String type = root.path("image_processor_type").asText("");
        boolean oneVision = type.equals("LlavaOnevisionImageProcessor");
        boolean siglip = type.equals("SiglipImageProcessor");
        // Both resize straight to a square; OneVision's size {shortest_edge: s} also means s×s.
        boolean square = siglip || oneVision;
        if (!square && !type.equals("CLIPImageProcessor") && !type.equals("LlavaImageProcessor")) {
            throw new BadInputException(file + ": image_processor_type '" + type + "' is not supported (known: "
                    + "CLIPImageProcessor, LlavaImageProcessor, LlavaOnevisionImageProcessor, SiglipImageProcessor)");
        }
        int resample = root.path("resample").asInt(PIL_BICUBIC);
        if (resample != PIL_BICUBIC) {
            throw new BadInputException(file + ": resample " + resample + " is not supported (only 3 = PIL BICUBIC)");
        }
        int shortest = 0;
        int rh = 0;
        int rw = 0;
        if (root.path("do_resize").asBoolean(true)) {
            JsonNode size = root.get("size");
            if (size == null) {
                // The class defaults: CLIP {shortest_edge: 224}, SigLIP {height: 224, width: 224}, OneVision 384×384.
                int side = oneVision ? 384 : 224;
                size = square ? JSON.createObjectNode().put("height", side).put("width", side)
                        : JSON.createObjectNode().put("shortest_edge", side);
            }
            if (size.isInt()) {
                if (square) {
                    rh = rw = positive(file, "size", size);
                } else {
                    shortest = positive(file, "size", size);
                }
            } else if (size.has("shortest_edge") && oneVision) {
                rh = rw = positive(file, "size.shortest_edge", size.get("shortest_edge"));
            } else if (size.has("shortest_edge") && !siglip) {
                shortest = positive(file, "size.shortest_edge", size.get("shortest_edge"));
            } else if (size.has("height") && size.has("width")) {
                rh = positive(file, "size.height", size.get("height"));
                rw = positive(file, "size.width", size.get("width"));
            } else {
                throw new BadInputException(file + ": size " + size + " is neither {shortest_edge} nor {height, width}");
            }
        }
        int ch = 0;
        int cw = 0;
        if (!square && root.path("do_center_crop").asBoolean(true)) {
            JsonNode crop = root.get("crop_size");
            if (crop == null) {
                ch = cw = 224;
            } else if (crop.isInt()) {
                ch = cw = positive(file, "crop_size", crop);
            } else {
                ch = positive(file, "crop_size.height", crop.get("height"));
                cw = positive(file, "crop_size.width", crop.get("width"));
            }
        }
        float[] dm = siglip ? HALF : CLIP_MEAN;
        float[] ds = siglip ? HALF : CLIP_STD;
        float[] mean = triple(file, "image_mean", root.get("image_mean"), dm);
        float[] std = triple(file, "image_std", root.get("image_std"), ds);
        for (float s : std) {
            if (!(s > 0)) {
                throw new BadInputException(file + ": image_std " + Arrays.toString(std) + " must be positive");
            }
        }
        double factor = root.path("rescale_factor").asDouble(1.0 / 255);
        return new ImageProcessor(type, !oneVision && root.path("do_pad").asBoolean(false), shortest, rh, rw, ch, cw, factor,
                root.path("do_rescale").asBoolean(true), mean, std, root.path("do_normalize").asBoolean(true), resampler);
    }

    private static int positive(Path file, String field, JsonNode v) {
        if (v == null || !v.isInt() || v.asInt() <= 0 || v.asInt() > MAX_SIDE) {
            throw new BadInputException(file + ": " + field + " must be an integer in [1, " + MAX_SIDE + "], got " + v);
        }
        return v.asInt();
    }

    private static float[] triple(Path file, String field, JsonNode v, float[] dflt) {
        if (v == null) {
            return dflt.clone();
        }
        if (!v.isArray() || v.size() != 3) {
            throw new BadInputException(file + ": " + field + " must be a list of 3 numbers, got " + v);
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!v.get(i).isNumber()) {
                throw new BadInputException(file + ": " + field + " must be a list of 3 numbers, got " + v);
            }
            out[i] = (float) v.get(i).asDouble();
        }
        return out;
    }

    /** Output height once the image has been through resize and crop. */
    public int outputHeight(int width, int height) {
        return outputSize(width, height)[1];
    }

    /** Output width once the image has been through resize and crop. */
    public int outputWidth(int width, int height) {
        return outputSize(width, height)[0];
    }

    private int[] outputSize(int width, int height) {
        int[] r = resizedSize(pad ? Math.max(width, height) : width, pad ? Math.max(width, height) : height);
        return cropH > 0 ? new int[] {cropW, cropH} : r;
    }

    /** Size after the resize step, transformers' get_resize_output_image_size with default_to_square=False. */
    int[] resizedSize(int width, int height) {
        if (shortestEdge > 0) {
            int shortSide = Math.min(width, height);
            int longSide = Math.max(width, height);
            int newLong = (int) ((double) shortestEdge * longSide / shortSide);
            return width <= height ? new int[] {shortestEdge, newLong} : new int[] {newLong, shortestEdge};
        }
        if (resizeH > 0) {
            return new int[] {resizeW, resizeH};
        }
        return new int[] {width, height};
    }

    /** The image as {@code pixel_values}: 3×H×W floats, channels first. */
    public float[] process(RgbImage image) {
        RgbImage img = pad ? padToSquare(image) : image;
        int[] size = resizedSize(img.width(), img.height());
        if ((long) size[0] * size[1] > MAX_PIXELS) {
            throw new BadInputException("resizing a " + img.width() + "x" + img.height() + " image gives "
                    + size[0] + "x" + size[1] + ", over " + MAX_PIXELS + " pixels");
        }
        if (size[0] != img.width() || size[1] != img.height()) {
            img = resampler.resize(img, size[0], size[1]);
        }
        int top = 0;
        int left = 0;
        int h = img.height();
        int w = img.width();
        if (cropH > 0) {
            if (cropH > h || cropW > w) {
                throw new BadInputException("crop " + cropW + "x" + cropH + " is larger than the resized " + w + "x" + h
                        + " image");
            }
            top = (h - cropH) / 2;
            left = (w - cropW) / 2;
            h = cropH;
            w = cropW;
        }
        float[] out = new float[3 * h * w];
        byte[] rgb = img.rgb();
        int srcW = img.width();
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int u = rgb[((top + y) * srcW + left + x) * 3 + c] & 0xff;
                    float v = rescale ? (float) (u * rescaleFactor) : u;
                    if (normalize) {
                        v = (v - mean[c]) / std[c];
                    }
                    out[(c * h + y) * w + x] = v;
                }
            }
        }
        return out;
    }

    /**
     * LLaVA's pad-to-square: centred on a canvas of the long side, filled with int(mean·255) per channel (also
     * LLaVA-OneVision's treatment of each image when a prompt holds several).
     */
    public RgbImage padToSquare(RgbImage img) {
        int side = Math.max(img.width(), img.height());
        if (img.width() == img.height()) {
            return img;
        }
        byte[] out = new byte[side * side * 3];
        for (int i = 0; i < side * side; i++) {
            for (int c = 0; c < 3; c++) {
                out[i * 3 + c] = (byte) (int) (mean[c] * 255.0);
            }
        }
        int ox = (side - img.width()) / 2;
        int oy = (side - img.height()) / 2;
        for (int y = 0; y < img.height(); y++) {
            System.arraycopy(img.rgb(), y * img.width() * 3, out, ((oy + y) * side + ox) * 3, img.width() * 3);
        }
        return new RgbImage(side, side, out, img.timestamp());
    }
}
