package dev.sparkjobs.similarity;

import static java.util.Objects.requireNonNull;

/**
 * Exact top-k of a batch of queries against one block of genuine unit vectors, as dense float
 * math without per-candidate objects. The block is stored in tiles of {@link #TILE} vectors, each
 * tile dimension-major (component j of its vectors contiguous), so that scoring a query against a
 * tile is a sequence of axpy loops {@code scores[i] += q[j] * tile[j][i]} that the JIT compiles to
 * SIMD instructions, over a tile small enough to stay in the L2 cache while every query of the
 * batch is scored against it. Candidates enter per-query bounded heaps of (cosine, index) pairs
 * only when they beat the query's current k-th cosine.
 */
final class BlockKernel
{
    /** Genuine vectors per tile: 256 x 128-d floats = 128 KiB. */
    static final int TILE = 256;

    private final int dimension;
    private final int size;
    private final String[] ids;
    private final int[] listStarts;
    private final float[] tiles;

    /** @param vectors the block's unit vectors in the binary form of {@link Vectors#toBytes}; one list */
    BlockKernel(String[] ids, byte[][] vectors, int dimension)
    {
        this(ids, vectors, new int[] {0, ids.length}, dimension);
    }

    /**
     * A block holding several lists: list {@code m} is the vectors {@code listStarts[m]} to
     * {@code listStarts[m + 1] - 1}; tiles never straddle two lists, so one list can be scored alone.
     */
    BlockKernel(String[] ids, byte[][] vectors, int[] listStarts, int dimension)
    {
        this.ids = requireNonNull(ids, "ids is null");
        this.dimension = dimension;
        this.size = ids.length;
        this.listStarts = requireNonNull(listStarts, "listStarts is null");
        this.tiles = new float[size * dimension];
        float[] vector = new float[dimension];
        for (int list = 0; list + 1 < listStarts.length; list++) {
            int end = listStarts[list + 1];
            for (int i = listStarts[list]; i < end; i++) {
                java.nio.ByteBuffer.wrap(vectors[i]).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
                int from = i - (i - listStarts[list]) % TILE;
                int width = Math.min(TILE, end - from);
                int base = from * dimension + (i - from);
                for (int j = 0; j < dimension; j++) {
                    tiles[base + j * width] = vector[j];
                }
            }
        }
    }

    /** Empty heaps for {@code queries} queries of a batch, over this block's candidates. */
    Heaps heaps(int queries, int k)
    {
        return new Heaps(queries, k, ids);
    }

    int lists()
    {
        return listStarts.length - 1;
    }

    int size()
    {
        return size;
    }

    String id(int index)
    {
        return ids[index];
    }

    /**
     * Scores {@code count} queries (row-major in {@code queries}, ids in {@code queryIds}) against
     * every vector of the block; a query never gets itself (same id) as a neighbour.
     */
    Heaps search(float[] queries, String[] queryIds, int count, int k)
    {
        Heaps heaps = new Heaps(count, k, ids);
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
     * Scores the queries {@code subset[0..count)} (rows of {@code queries}, ids in {@code queryIds})
     * against the vectors of list {@code list} of the block, into their heaps.
     */
    void search(Heaps heaps, float[] queries, String[] queryIds, int[] subset, int count, int list)
    {
        float[] scores = new float[TILE];
        int d = dimension;
        int end = listStarts[list + 1];
        for (int from = listStarts[list]; from < end; from += TILE) {
            int width = Math.min(TILE, end - from);
            int base = from * d;
            for (int s = 0; s < count; s++) {
                int q = subset[s];
                int offset = q * d;
                java.util.Arrays.fill(scores, 0, width, 0f);
                int j = 0;
                for (; j + 3 < d; j += 4) {
                    float q0 = queries[offset + j];
                    float q1 = queries[offset + j + 1];
                    float q2 = queries[offset + j + 2];
                    float q3 = queries[offset + j + 3];
                    int r0 = base + j * width;
                    int r1 = r0 + width;
                    int r2 = r1 + width;
                    int r3 = r2 + width;
                    for (int i = 0; i < width; i++) {
                        scores[i] += q0 * tiles[r0 + i] + q1 * tiles[r1 + i] + q2 * tiles[r2 + i] + q3 * tiles[r3 + i];
                    }
                }
                for (; j < d; j++) {
                    float qj = queries[offset + j];
                    int row = base + j * width;
                    for (int i = 0; i < width; i++) {
                        scores[i] += qj * tiles[row + i];
                    }
                }
                float floor = heaps.floor(q);
                for (int i = 0; i < width; i++) {
                    float cosine = scores[i];
                    if (cosine >= floor && !ids[from + i].equals(queryIds[q])) {
                        heaps.offer(q, from + i, cosine);
                        floor = heaps.floor(q);
                    }
                }
            }
        }
    }

    /**
     * One bounded min-heap per query of (cosine, candidate index), worst at the root: lower
     * cosine is worse, and on equal cosines the larger id (as in {@link TopK#BEST_FIRST}).
     */
    static final class Heaps
    {
        private final int k;
        private final String[] ids;
        private final float[] cosines;
        private final int[] indices;
        private final int[] sizes;
        private final float[] floors;

        Heaps(int queries, int k, String[] ids)
        {
            this.k = k;
            this.ids = ids;
            this.cosines = new float[queries * k];
            this.indices = new int[queries * k];
            this.sizes = new int[queries];
            this.floors = new float[queries];
            java.util.Arrays.fill(floors, Float.NEGATIVE_INFINITY);
        }

        /** The cosine a candidate must reach to be considered: -infinity until the heap is full, then its k-th best. */
        float floor(int query)
        {
            return floors[query];
        }

        int size(int query)
        {
            return sizes[query];
        }

        /** The {@code n}-th entry (heap order) of a query's heap. */
        int index(int query, int n)
        {
            return indices[query * k + n];
        }

        float cosine(int query, int n)
        {
            return cosines[query * k + n];
        }

        void offer(int query, int index, float cosine)
        {
            int base = query * k;
            int size = sizes[query];
            if (size < k) {
                int position = size;
                while (position > 0) {
                    int parent = (position - 1) / 2;
                    if (!worse(cosine, index, cosines[base + parent], indices[base + parent])) {
                        break;
                    }
                    cosines[base + position] = cosines[base + parent];
                    indices[base + position] = indices[base + parent];
                    position = parent;
                }
                cosines[base + position] = cosine;
                indices[base + position] = index;
                sizes[query] = ++size;
                if (size == k) {
                    floors[query] = cosines[base];
                }
                return;
            }
            if (!worse(cosines[base], indices[base], cosine, index)) {
                return;
            }
            int position = 0;
            while (true) {
                int child = 2 * position + 1;
                if (child >= k) {
                    break;
                }
                if (child + 1 < k && worse(cosines[base + child + 1], indices[base + child + 1], cosines[base + child], indices[base + child])) {
                    child++;
                }
                if (!worse(cosines[base + child], indices[base + child], cosine, index)) {
                    break;
                }
                cosines[base + position] = cosines[base + child];
                indices[base + position] = indices[base + child];
                position = child;
            }
            cosines[base + position] = cosine;
            indices[base + position] = index;
            floors[query] = cosines[base];
        }

        /** Is (a, ia) a worse neighbour than (b, ib)? */
        private boolean worse(float a, int ia, float b, int ib)
        {
            return a < b || (a == b && ids[ia].compareTo(ids[ib]) > 0);
        }
    }
}
