package skyloft.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A child process's output read line by line on a thread of its own, so that a test waits for
 * each line with a deadline: a child that hangs fails the test at the deadline instead of
 * blocking it in a read that JUnit's timeout cannot interrupt.
 */
final class ChildLines {
    /** Lines as read; an empty Optional marks the stream's end. */
    private final BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();
    private final long deadlineNs;

    /** Reads {@code in} until its end; {@link #next} fails once {@code seconds} have passed from now. */
    ChildLines(InputStream in, long seconds) {
        deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Thread.ofPlatform().daemon().name("child-lines").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) lines.add(Optional.of(line));
            } catch (IOException closed) {
                // the stream went away with the child: its end
            } finally {
                lines.add(Optional.empty());
            }
        });
    }

    /** The next line, or null at the stream's end; throws AssertionError if none came by the deadline. */
    String next() throws InterruptedException {
        Optional<String> line = lines.poll(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) throw new AssertionError("the child printed no further line and did not end within the test's deadline");
        return line.orElse(null);
    }
}
