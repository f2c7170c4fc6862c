package dev.sparkjobs.defectimages;

/**
 * Arrays that one decoding thread (one Spark task) reuses from image to image: for a 512x512 image
 * the pixel rows, the luma and the mask's bookkeeping are 0.25-2 MB each, and allocating them for
 * every image and mask cost more than a tenth of the decode time (zeroing, page faults, garbage
 * collection). Not thread-safe. A {@link LumaImage} decoded into these buffers, and everything
 * derived from its luma array, is valid only until the next decode into the same buffers.
 */
final class DecodeBuffers
{
    private byte[] rows = new byte[0];
    private double[] luma = new double[0];
    private boolean[] pending = new boolean[0];
    private int[] queue = new int[0];

    /** At least {@code length} bytes, contents undefined. */
    byte[] rows(int length)
    {
        if (rows.length < length) {
            rows = new byte[length];
        }
        return rows;
    }

    /** Exactly {@code length} values (a LumaImage's array is as long as its pixels), contents undefined. */
    double[] luma(int length)
    {
        if (luma.length != length) {
            luma = new double[length];
        }
        return luma;
    }

    /** Exactly {@code length} flags, all false: {@link MaskFeatures} leaves them all false again after use. */
    boolean[] pending(int length)
    {
        if (pending.length != length) {
            pending = new boolean[length];
        }
        return pending;
    }

    /** At least {@code length} values, contents undefined. */
    int[] queue(int length)
    {
        if (queue.length < length) {
            queue = new int[length];
        }
        return queue;
    }
}
