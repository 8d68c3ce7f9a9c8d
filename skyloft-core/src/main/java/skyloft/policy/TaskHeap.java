package skyloft.policy;

import java.util.Arrays;
import skyloft.spi.Task;

/**
 * An indexed binary min-heap of {@link Node}s ordered by {@code (key, tie)}: the run queue of
 * the policies that order tasks by one number (CFS by vruntime, deadline by absolute deadline,
 * rate-monotonic by period). O(log n) add, poll and remove; each node remembers its slot, so
 * removing a queued task (attributes changed, migration) needs no search. Nodes are the
 * policies' per-task state objects, so steady state allocates nothing once the array has grown.
 * Not thread-safe: policy ops are serialized by the host.
 */
final class TaskHeap {

    /** Per-task state that can sit in one heap at a time. */
    static class Node {
        final Task task;
        long key;
        long tie;
        int heapIndex = -1;

        Node(Task task) {
            this.task = task;
            this.tie = task.id();
        }

        boolean queued() {
            return heapIndex >= 0;
        }
    }

    private Node[] nodes = new Node[16];
    private int size;

    int size() { return size; }
    boolean isEmpty() { return size == 0; }
    Node peek() { return size == 0 ? null : nodes[0]; }
    /** Slot {@code i} in heap order (0 = min); for scans and drains only. */
    Node at(int i) { return nodes[i]; }

    private int[] walk = new int[8];

    /** How many queued nodes order before {@code (key, tie)}, counting at most {@code limit}: a
     *  walk from the root that stops below nodes that do not, so it visits at most
     *  2 x limit + 1 nodes whatever the size. Allocates only to grow its stack past the largest
     *  limit seen so far. */
    int countBefore(long key, long tie, int limit) {
        if (size == 0 || limit <= 0) return 0;
        int count = 0, top = 0;
        walk[top++] = 0;
        while (top > 0 && count < limit) {
            int i = walk[--top];
            Node n = nodes[i];
            if (!(n.key < key || (n.key == key && n.tie < tie))) continue;
            count++;
            int l = 2 * i + 1;
            if (l >= size) continue;
            if (top + 2 > walk.length) walk = Arrays.copyOf(walk, walk.length * 2);
            walk[top++] = l;
            if (l + 1 < size) walk[top++] = l + 1;
        }
        return count;
    }

    void add(Node n) {
        if (n.heapIndex >= 0) throw new IllegalStateException("host or policy bug: " + n.task + " is already queued");
        if (size == nodes.length) nodes = Arrays.copyOf(nodes, size * 2);
        nodes[size] = n;
        n.heapIndex = size;
        size++;
        up(n.heapIndex);
    }

    Node poll() {
        if (size == 0) return null;
        Node top = nodes[0];
        removeAt(0);
        return top;
    }

    /** Removes {@code n} if it is in this heap; returns whether it was. */
    boolean remove(Node n) {
        int i = n.heapIndex;
        if (i < 0 || i >= size || nodes[i] != n) return false;
        removeAt(i);
        return true;
    }

    private void removeAt(int i) {
        Node gone = nodes[i];
        size--;
        if (i != size) {
            nodes[i] = nodes[size];
            nodes[i].heapIndex = i;
            nodes[size] = null;
            if (!up(i)) down(i);
        } else {
            nodes[size] = null;
        }
        gone.heapIndex = -1;
    }

    private static boolean less(Node a, Node b) {
        return a.key < b.key || (a.key == b.key && a.tie < b.tie);
    }

    private boolean up(int i) {
        Node n = nodes[i];
        int start = i;
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!less(n, nodes[p])) break;
            nodes[i] = nodes[p];
            nodes[i].heapIndex = i;
            i = p;
        }
        nodes[i] = n;
        n.heapIndex = i;
        return i != start;
    }

    private void down(int i) {
        Node n = nodes[i];
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            if (c + 1 < size && less(nodes[c + 1], nodes[c])) c++;
            if (!less(nodes[c], n)) break;
            nodes[i] = nodes[c];
            nodes[i].heapIndex = i;
            i = c;
        }
        nodes[i] = n;
        n.heapIndex = i;
    }
}
