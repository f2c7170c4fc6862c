package dev.sparkjobs.defectimages;

/**
 * The defect described by a mask: the share of non-zero pixels (any colour channel non-zero,
 * alpha ignored, which is luma above zero) and the number of their 8-connected components.
 */
public record MaskFeatures(long defectPixels, double defectAreaFraction, int defectRegions)
{
    public static MaskFeatures of(LumaImage mask)
    {
        return of(mask, new DecodeBuffers());
    }

    /** As {@link #of(LumaImage)}, with the bookkeeping arrays of {@code buffers}. */
    static MaskFeatures of(LumaImage mask, DecodeBuffers buffers)
    {
        int width = mask.width();
        int height = mask.height();
        double[] luma = mask.luma();
        boolean[] pending = buffers.pending(luma.length); // all false, and left so: every flag set below is cleared by the search
        long defectPixels = 0;
        for (int i = 0; i < luma.length; i++) {
            if (luma[i] > 0) {
                pending[i] = true;
                defectPixels++;
            }
        }
        int regions = 0;
        int[] queue = buffers.queue(luma.length);
        for (int start = 0; start < luma.length; start++) {
            if (!pending[start]) {
                continue;
            }
            regions++;
            pending[start] = false;
            int head = 0;
            int tail = 0;
            queue[tail++] = start;
            while (head < tail) {
                int at = queue[head++];
                int x = at % width;
                int y = at / width;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        int ny = y + dy;
                        if (nx >= 0 && nx < width && ny >= 0 && ny < height && pending[ny * width + nx]) {
                            pending[ny * width + nx] = false;
                            queue[tail++] = ny * width + nx;
                        }
                    }
                }
            }
        }
        return new MaskFeatures(defectPixels, (double) defectPixels / luma.length, regions);
    }
}
