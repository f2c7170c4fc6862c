package dev.sparkjobs.defectimages;

import static java.util.Objects.requireNonNull;

/**
 * A decoded image reduced to what the features need: its shape, how it was stored, and the luma of
 * each pixel (row-major, 0..255).
 */
public record LumaImage(int width, int height, int channels, int bitDepth, String format, double[] luma)
{
    public LumaImage
    {
        requireNonNull(format, "format is null");
        requireNonNull(luma, "luma is null");
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (luma.length != width * height) {
            throw new IllegalArgumentException("luma holds " + luma.length + " values for a " + width + "x" + height + " image");
        }
    }

    public double at(int x, int y)
    {
        return luma[y * width + x];
    }
}
