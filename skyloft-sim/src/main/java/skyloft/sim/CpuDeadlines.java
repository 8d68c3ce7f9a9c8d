package skyloft.sim;

/**
 * At most one deadline per CPU, earliest first (ties by CPU index): an indexed binary min-heap,
 * so setting a CPU's deadline again moves its one entry. The simulator keeps in it when each idle
 * CPU that spins will have parked, to find parked CPUs without scanning every CPU. Setting,
 * removing and polling are O(log cpus); nothing allocates after construction. Not thread-safe
 * (the simulator is single-threaded).
 */
final class CpuDeadlines {
    private final int[] heap;        // CPUs, heap-ordered by (deadline, cpu)
    private final int[] pos;         // a CPU's index in heap, or -1
    private final long[] deadlineNs; // valid while the CPU is in the heap
    private int size;

    CpuDeadlines(int cpus) {
        heap = new int[cpus];
        pos = new int[cpus];
        deadlineNs = new long[cpus];
        java.util.Arrays.fill(pos, -1);
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The earliest deadline; only when not empty. */
    long firstNs() {
        return deadlineNs[heap[0]];
    }

    /** Sets (or moves) {@code cpu}'s deadline. */
    void set(int cpu, long atNs) {
        int i = pos[cpu];
        deadlineNs[cpu] = atNs;
        if (i < 0) {
            i = size++;
            heap[i] = cpu;
            pos[cpu] = i;
        }
        siftDown(siftUp(i));
    }

    /** Removes the CPU with the earliest deadline and returns it; only when not empty. */
    int poll() {
        int first = heap[0];
        removeAt(0);
        return first;
    }

    private void removeAt(int i) {
        int cpu = heap[i];
        pos[cpu] = -1;
        int last = heap[--size];
        if (i == size) return;
        heap[i] = last;
        pos[last] = i;
        siftDown(siftUp(i));
    }

    private boolean before(int a, int b) {
        return deadlineNs[a] != deadlineNs[b] ? deadlineNs[a] < deadlineNs[b] : a < b;
    }

    private int siftUp(int i) {
        int cpu = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(cpu, heap[parent])) break;
            move(heap[parent], i);
            i = parent;
        }
        move(cpu, i);
        return i;
    }

    private void siftDown(int i) {
        int cpu = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && before(heap[child + 1], heap[child])) child++;
            if (!before(heap[child], cpu)) break;
            move(heap[child], i);
            i = child;
        }
        move(cpu, i);
    }

    private void move(int cpu, int i) {
        heap[i] = cpu;
        pos[cpu] = i;
    }
}
