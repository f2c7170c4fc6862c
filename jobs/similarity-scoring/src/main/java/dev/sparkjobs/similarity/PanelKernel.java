package dev.sparkjobs.similarity;

import java.lang.management.ManagementFactory;

/**
 * The inner loop of every dot-product search of the job (neighbours, recall sample, routing to
 * lists): scores {@link #ROWS} query rows against one <em>panel</em> of {@link #width()} vectors,
 * the vectors of a panel stored component-major (component j of its vectors contiguous, at
 * {@code base + j * width}). A panel and a few query rows stay in registers and the L1 cache, so
 * the loop is bound by multiply-adds, not by memory, like the micro-kernel of a BLAS matrix
 * multiply; unlike a matrix multiply it compares each score with its row's floor at once instead
 * of writing a score matrix to be scanned again.
 *
 * <p>Two implementations: {@code VectorPanelKernel} (the JDK's Vector API: fused multiply-adds on
 * whole SIMD registers) when the JVM has {@code --add-modules jdk.incubator.vector} and its C2
 * compiler (without C2 the Vector API is interpreted object by object, about 100x slower than
 * plain Java), else {@link Plain}, plain Java loops that C2 turns into SIMD instructions.
 */
abstract class PanelKernel
{
    /** Query rows scored together against a panel. */
    static final int ROWS = 4;

    private static final PanelKernel FASTEST = choose();

    /** The fastest kernel this JVM runs, chosen once. */
    static PanelKernel fastest()
    {
        return FASTEST;
    }

    /** Vectors per panel; {@code ROWS x width} is at most 64 (the bits of a mask). */
    abstract int width();

    /** What runs, for logs and benchmarks. */
    abstract String description();

    /**
     * Scores the query rows at offsets {@code rows[0..ROWS)} of {@code queries} against the panel at
     * {@code base} of {@code panels}: {@code out[r * width + l] = dot(query r, vector l) - bias[biasBase + l]}.
     * Returns the mask of scores that reach their row's floor (bit {@code r * width + l} for
     * {@code score >= floors[r]}); {@code out} holds the scores whenever the mask is not zero.
     */
    abstract long score(float[] queries, int[] rows, float[] floors, float[] panels, int base, float[] bias, int biasBase, int dimension, float[] out);

    private static PanelKernel choose()
    {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && optimisingCompiler()) {
            try {
                return (PanelKernel) Class.forName("dev.sparkjobs.similarity.VectorPanelKernel").getDeclaredConstructor().newInstance();
            }
            catch (ReflectiveOperationException | LinkageError e) {
                return new Plain();
            }
        }
        return new Plain();
    }

    /** Does this JVM compile hot code with C2? Not with -XX:TieredStopAtLevel below 4 (C1 or the interpreter only) or -Xint. */
    static boolean optimisingCompiler()
    {
        try {
            com.sun.management.HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            boolean tiered = Boolean.parseBoolean(hotSpot.getVMOption("TieredCompilation").getValue());
            int stopAt = Integer.parseInt(hotSpot.getVMOption("TieredStopAtLevel").getValue());
            return ManagementFactory.getCompilationMXBean() != null && (!tiered || stopAt >= 4);
        }
        catch (RuntimeException | LinkageError e) {
            return true;
        }
    }

    /**
     * Plain Java: per component, the four rows' multiply-adds over the panel's 16 vectors, an
     * inner loop of independent lanes that C2 compiles to SIMD instructions (C1 runs it as
     * scalar code, still without a call or an object per score).
     */
    static final class Plain
            extends PanelKernel
    {
        static final int WIDTH = 16;

        @Override
        int width()
        {
            return WIDTH;
        }

        @Override
        String description()
        {
            return "plain Java (" + WIDTH + " vectors x " + ROWS + " rows" + (optimisingCompiler() ? "" : ", C1 only") + ")";
        }

        @Override
        long score(float[] queries, int[] rows, float[] floors, float[] panels, int base, float[] bias, int biasBase, int dimension, float[] out)
        {
            for (int l = 0; l < WIDTH; l++) {
                float start = -bias[biasBase + l];
                out[l] = start;
                out[WIDTH + l] = start;
                out[2 * WIDTH + l] = start;
                out[3 * WIDTH + l] = start;
            }
            int o0 = rows[0];
            int o1 = rows[1];
            int o2 = rows[2];
            int o3 = rows[3];
            for (int j = 0, at = base; j < dimension; j++, at += WIDTH) {
                float x0 = queries[o0 + j];
                float x1 = queries[o1 + j];
                float x2 = queries[o2 + j];
                float x3 = queries[o3 + j];
                for (int l = 0; l < WIDTH; l++) {
                    float g = panels[at + l];
                    out[l] += x0 * g;
                    out[WIDTH + l] += x1 * g;
                    out[2 * WIDTH + l] += x2 * g;
                    out[3 * WIDTH + l] += x3 * g;
                }
            }
            return mask(out, floors, WIDTH);
        }
    }

    /** The mask of {@code out[r * width + l] >= floors[r]}. */
    static long mask(float[] out, float[] floors, int width)
    {
        long mask = 0;
        for (int r = 0; r < ROWS; r++) {
            float floor = floors[r];
            for (int l = 0; l < width; l++) {
                if (out[r * width + l] >= floor) {
                    mask |= 1L << (r * width + l);
                }
            }
        }
        return mask;
    }
}
