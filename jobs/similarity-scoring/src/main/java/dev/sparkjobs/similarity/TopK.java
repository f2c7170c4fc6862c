package dev.sparkjobs.similarity;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The best {@code k} neighbours seen so far for one query: a bounded min-heap ordered by cosine
 * (descending), ties broken by neighbour id (ascending) so results are deterministic.
 */
public final class TopK
{
    /** One neighbour of a query. */
    public record Neighbor(String id, float cosine) {}

    /** Best first: higher cosine, then smaller id. */
    public static final Comparator<Neighbor> BEST_FIRST = Comparator.comparingDouble((Neighbor neighbor) -> -neighbor.cosine())
            .thenComparing(Neighbor::id);

    private final int k;
    private final PriorityQueue<Neighbor> heap;

    public TopK(int k)
    {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        this.k = k;
        this.heap = new PriorityQueue<>(k + 1, BEST_FIRST.reversed());
    }

    /** Cheap pre-check before building a neighbour: can a candidate with this cosine enter? */
    public boolean admits(float cosine)
    {
        return heap.size() < k || cosine >= heap.peek().cosine();
    }

    public void offer(String id, float cosine)
    {
        if (admits(cosine)) {
            offer(new Neighbor(id, cosine));
        }
    }

    public void offer(Neighbor neighbor)
    {
        if (heap.size() < k) {
            heap.add(neighbor);
        }
        else if (BEST_FIRST.compare(neighbor, heap.peek()) < 0) {
            heap.poll();
            heap.add(neighbor);
        }
    }

    public boolean isEmpty()
    {
        return heap.isEmpty();
    }

    /** The neighbours, best first. */
    public List<Neighbor> sorted()
    {
        List<Neighbor> sorted = new ArrayList<>(heap);
        sorted.sort(BEST_FIRST);
        return sorted;
    }

    /** A compact binary form, to shuffle partial results of one query. */
    public byte[] toBytes()
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(heap.size() * 24 + 4);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(heap.size());
            for (Neighbor neighbor : heap) {
                out.writeFloat(neighbor.cosine());
                out.writeUTF(neighbor.id());
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Adds every neighbour of a partial result written by {@link #toBytes()}. */
    public void merge(byte[] partial)
    {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(partial))) {
            int size = in.readInt();
            for (int i = 0; i < size; i++) {
                float cosine = in.readFloat();
                String id = in.readUTF();
                offer(id, cosine);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
