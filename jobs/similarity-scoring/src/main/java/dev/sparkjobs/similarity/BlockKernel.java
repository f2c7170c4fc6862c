package dev.sparkjobs.similarity;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Exact top-k of a batch of queries against one block of vectors, as dense float math without
 * per-candidate objects. The block's vectors are packed into panels of the {@link PanelKernel}'s
 * width, each panel component-major, and the panels of a list never hold another list's vectors
 * (the last panel of a list is padded), so one list can be scored alone. Queries are scored four
 * at a time against a tile of {@link #TILE_PANELS} panels that stays in the L2 cache while every
 * query of the batch passes over it. A candidate enters its query's bounded heap of (score, slot)
 * pairs only when it reaches the query's current k-th score.
 *
 * <p>A score is {@code dot(query, vector) - bias}: for genuine unit vectors the bias is 0 and the
 * score is the cosine; for centroids it is half the squared norm, so the highest score is the
 * nearest centroid in Euclidean distance ({@code |q - c|^2 = |q|^2 - 2 (q.c - |c|^2 / 2)}).
 */
final class BlockKernel
{
    /** Panels scored by every query before the next ones: 256 vectors of 128 floats = 128 KiB, within L2. */
    static final int TILE_PANELS = 256 / 16;

    private final PanelKernel kernel;
    private final int width;
    private final int dimension;
    private final int size;
    /** Vector index (input order) of each slot, -1 for padding. */
    private final int[] slotIndex;
    /** Ids by vector index, or null: ties are then broken by index. */
    private final String[] ids;
    /** The panels of list m are listPanels[m] to listPanels[m + 1] - 1. */
    private final int[] listPanels;
    private final float[] panels;
    private final float[] bias;
    /** Bit mask of the lanes of panel p that hold a vector, repeated for every row. */
    private final long[] panelMasks;

    /** @param vectors the block's unit vectors in the binary form of {@link Vectors#toBytes}; one list */
    BlockKernel(String[] ids, byte[][] vectors, int dimension)
    {
        this(ids, vectors, new int[] {0, ids.length}, dimension);
    }

    /**
     * A block holding several lists of unit vectors: list {@code m} is the vectors
     * {@code listStarts[m]} to {@code listStarts[m + 1] - 1}.
     */
    BlockKernel(String[] ids, byte[][] vectors, int[] listStarts, int dimension)
    {
        this(PanelKernel.fastest(), requireNonNull(ids, "ids is null"), decode(vectors, dimension), null, listStarts, dimension);
    }

    /**
     * Vectors in one row-major matrix ({@code vectors[i * dimension + j]}), with scores less
     * {@code biases[i]} (null: no bias); {@code ids} null breaks ties by index.
     */
    BlockKernel(PanelKernel kernel, String[] ids, float[] vectors, float[] biases, int[] listStarts, int dimension)
    {
        this.kernel = requireNonNull(kernel, "kernel is null");
        this.width = kernel.width();
        this.dimension = dimension;
        this.ids = ids;
        this.listPanels = new int[listStarts.length];
        for (int list = 0; list + 1 < listStarts.length; list++) {
            int count = listStarts[list + 1] - listStarts[list];
            if (count < 0) {
                throw new IllegalArgumentException("listStarts must not decrease, got " + Arrays.toString(listStarts));
            }
            listPanels[list + 1] = listPanels[list] + (count + width - 1) / width;
        }
        this.size = listStarts[listStarts.length - 1];
        int totalPanels = listPanels[listPanels.length - 1];
        this.slotIndex = new int[totalPanels * width];
        Arrays.fill(slotIndex, -1);
        this.panels = new float[totalPanels * width * dimension];
        this.bias = new float[totalPanels * width];
        this.panelMasks = new long[totalPanels];
        for (int list = 0; list + 1 < listStarts.length; list++) {
            for (int i = listStarts[list]; i < listStarts[list + 1]; i++) {
                int position = i - listStarts[list];
                int panel = listPanels[list] + position / width;
                int lane = position % width;
                int slot = panel * width + lane;
                slotIndex[slot] = i;
                bias[slot] = biases == null ? 0 : biases[i];
                int at = panel * width * dimension + lane;
                for (int j = 0; j < dimension; j++) {
                    panels[at + j * width] = vectors[i * dimension + j];
                }
                for (int row = 0; row < PanelKernel.ROWS; row++) {
                    panelMasks[panel] |= 1L << (row * width + lane);
                }
            }
        }
    }

    private static float[] decode(byte[][] vectors, int dimension)
    {
        float[] matrix = new float[vectors.length * dimension];
        for (int i = 0; i < vectors.length; i++) {
            ByteBuffer.wrap(vectors[i]).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(matrix, i * dimension, dimension);
        }
        return matrix;
    }

    /** Empty heaps for {@code queries} queries of a batch, over this block's candidates. */
    Heaps heaps(int queries, int k)
    {
        return new Heaps(queries, k, this);
    }

    int lists()
    {
        return listPanels.length - 1;
    }

    int size()
    {
        return size;
    }

    /** The input index of the vector in {@code slot} (as the heaps hold them). */
    int index(int slot)
    {
        return slotIndex[slot];
    }

    /** The id of the vector in {@code slot}. */
    String id(int slot)
    {
        return ids[slotIndex[slot]];
    }

    /**
     * Scores {@code count} queries (row-major in {@code queries}, ids in {@code queryIds}) against
     * every vector of the block; a query never gets itself (same id) as a neighbour.
     */
    Heaps search(float[] queries, String[] queryIds, int count, int k)
    {
        Heaps heaps = heaps(count, k);
        int[] all = new int[count];
        for (int q = 0; q < count; q++) {
            all[q] = q;
        }
        for (int list = 0; list < lists(); list++) {
            search(heaps, queries, queryIds, all, count, list);
        }
        return heaps;
    }

    /**
     * Scores the queries {@code subset[0..count)} (rows of {@code queries}; ids in {@code queryIds},
     * or null when no query can be one of the vectors) against the vectors of list {@code list},
     * into their heaps.
     */
    void search(Heaps heaps, float[] queries, String[] queryIds, int[] subset, int count, int list)
    {
        int rows = PanelKernel.ROWS;
        int[] offsets = new int[rows];
        int[] group = new int[rows];
        float[] floors = new float[rows];
        float[] out = new float[rows * width];
        int panelSize = width * dimension;
        for (int tile = listPanels[list]; tile < listPanels[list + 1]; tile += TILE_PANELS) {
            int tileEnd = Math.min(listPanels[list + 1], tile + TILE_PANELS);
            for (int first = 0; first < count; first += rows) {
                int valid = Math.min(rows, count - first);
                for (int r = 0; r < rows; r++) {
                    // a short last group repeats its last query; those rows are masked out
                    group[r] = subset[first + Math.min(r, valid - 1)];
                    offsets[r] = group[r] * dimension;
                }
                long rowMask = valid == rows ? -1L : (1L << (valid * width)) - 1;
                for (int panel = tile; panel < tileEnd; panel++) {
                    for (int r = 0; r < rows; r++) {
                        floors[r] = heaps.floor(group[r]);
                    }
                    long mask = kernel.score(queries, offsets, floors, panels, panel * panelSize, bias, panel * width, dimension, out)
                            & panelMasks[panel] & rowMask;
                    while (mask != 0) {
                        int bit = Long.numberOfTrailingZeros(mask);
                        mask &= mask - 1;
                        int query = group[bit / width];
                        int slot = panel * width + bit % width;
                        float score = out[bit];
                        if (score >= heaps.floor(query) && (queryIds == null || !ids[slotIndex[slot]].equals(queryIds[query]))) {
                            heaps.offer(query, slot, score);
                        }
                    }
                }
            }
        }
    }

    /**
     * One bounded min-heap per query of (score, slot), worst at the root: lower score is worse,
     * and on equal scores the larger id (as in {@link TopK#BEST_FIRST}), or the larger index
     * when the block has no ids.
     */
    static final class Heaps
    {
        private final int k;
        private final BlockKernel block;
        private final float[] scores;
        private final int[] slots;
        private final int[] sizes;
        private final float[] floors;

        Heaps(int queries, int k, BlockKernel block)
        {
            this.k = k;
            this.block = block;
            this.scores = new float[queries * k];
            this.slots = new int[queries * k];
            this.sizes = new int[queries];
            this.floors = new float[queries];
            Arrays.fill(floors, Float.NEGATIVE_INFINITY);
        }

        /** The score a candidate must reach to be considered: -infinity until the heap is full, then its k-th best. */
        float floor(int query)
        {
            return floors[query];
        }

        int size(int query)
        {
            return sizes[query];
        }

        /** The slot of the {@code n}-th entry (heap order) of a query's heap. */
        int index(int query, int n)
        {
            return slots[query * k + n];
        }

        float cosine(int query, int n)
        {
            return scores[query * k + n];
        }

        /** The input indices of a query's entries, best first. */
        int[] sortedIndices(int query)
        {
            int size = sizes[query];
            Integer[] order = new Integer[size];
            for (int n = 0; n < size; n++) {
                order[n] = n;
            }
            int base = query * k;
            Arrays.sort(order, (a, b) -> worse(scores[base + a], slots[base + a], scores[base + b], slots[base + b]) ? 1
                    : worse(scores[base + b], slots[base + b], scores[base + a], slots[base + a]) ? -1 : 0);
            int[] indices = new int[size];
            for (int n = 0; n < size; n++) {
                indices[n] = block.index(slots[base + order[n]]);
            }
            return indices;
        }

        void offer(int query, int slot, float score)
        {
            int base = query * k;
            int size = sizes[query];
            if (size < k) {
                int position = size;
                while (position > 0) {
                    int parent = (position - 1) / 2;
                    if (!worse(score, slot, scores[base + parent], slots[base + parent])) {
                        break;
                    }
                    scores[base + position] = scores[base + parent];
                    slots[base + position] = slots[base + parent];
                    position = parent;
                }
                scores[base + position] = score;
                slots[base + position] = slot;
                sizes[query] = ++size;
                if (size == k) {
                    floors[query] = scores[base];
                }
                return;
            }
            if (!worse(scores[base], slots[base], score, slot)) {
                return;
            }
            int position = 0;
            while (true) {
                int child = 2 * position + 1;
                if (child >= k) {
                    break;
                }
                if (child + 1 < k && worse(scores[base + child + 1], slots[base + child + 1], scores[base + child], slots[base + child])) {
                    child++;
                }
                if (!worse(scores[base + child], slots[base + child], score, slot)) {
                    break;
                }
                scores[base + position] = scores[base + child];
                slots[base + position] = slots[base + child];
                position = child;
            }
            scores[base + position] = score;
            slots[base + position] = slot;
            floors[query] = scores[base];
        }

        /** Is (a, slot sa) a worse neighbour than (b, slot sb)? */
        private boolean worse(float a, int sa, float b, int sb)
        {
            if (a != b) {
                return a < b;
            }
            return block.ids == null ? block.index(sa) > block.index(sb) : block.id(sa).compareTo(block.id(sb)) > 0;
        }
    }
}
