package dev.sparkjobs.defectimages;

/**
 * Quality features of one image, from its luma: brightness (mean), contrast (population standard
 * deviation), sharpness (population variance of the 4-neighbour Laplacian over interior pixels,
 * null when the image has none) and the shares of pixels at most 5 and at least 250.
 */
public record ImageFeatures(double brightness, double contrast, Double sharpness, double underexposedFraction, double overexposedFraction)
{
    public static final double UNDEREXPOSED_LUMA = 5;
    public static final double OVEREXPOSED_LUMA = 250;

    public static ImageFeatures of(LumaImage image)
    {
        double[] luma = image.luma();
        int pixels = luma.length;
        double sum = 0;
        long under = 0;
        long over = 0;
        for (double value : luma) {
            sum += value;
            if (value <= UNDEREXPOSED_LUMA) {
                under++;
            }
            if (value >= OVEREXPOSED_LUMA) {
                over++;
            }
        }
        double mean = sum / pixels;
        double squares = 0;
        for (double value : luma) {
            squares += (value - mean) * (value - mean);
        }
        return new ImageFeatures(mean, Math.sqrt(squares / pixels), laplacianVariance(image), (double) under / pixels, (double) over / pixels);
    }

    private static Double laplacianVariance(LumaImage image)
    {
        int width = image.width();
        int height = image.height();
        if (width < 3 || height < 3) {
            return null;
        }
        double[] luma = image.luma();
        long count = (long) (width - 2) * (height - 2);
        double sum = 0;
        for (int y = 1; y < height - 1; y++) {
            for (int x = 1; x < width - 1; x++) {
                sum += laplacian(luma, width, x, y);
            }
        }
        double mean = sum / count;
        double squares = 0;
        for (int y = 1; y < height - 1; y++) {
            for (int x = 1; x < width - 1; x++) {
                double deviation = laplacian(luma, width, x, y) - mean;
                squares += deviation * deviation;
            }
        }
        return squares / count;
    }

    private static double laplacian(double[] luma, int width, int x, int y)
    {
        int at = y * width + x;
        return luma[at - width] + luma[at - 1] + luma[at + 1] + luma[at + width] - 4 * luma[at];
    }
}
