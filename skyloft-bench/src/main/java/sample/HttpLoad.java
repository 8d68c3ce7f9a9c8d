package sample;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load {@link HttpSpin} runs against itself, in a plain JVM of its own: LONG-CONNECTIONS
 * keep-alive connections ask for {@code /spin?us=LONG-US} back to back, and one more asks for
 * {@code /spin?us=0} once a millisecond; after a second of warm-up, for SECONDS, each short
 * request's time from sending to the whole answer is kept. Prints their percentiles, how many
 * long requests were served, and the thread that handled the last short one.
 *
 * <pre>
 * java -cp skyloft-bench.jar sample.HttpLoad PORT [LONG-CONNECTIONS [LONG-US [SECONDS]]]
 * </pre>
 */
public final class HttpLoad {
    private HttpLoad() {}

    private static final long WARMUP_NS = 1_000_000_000L;

    public static void main(String[] args) throws Exception {
        int port, longConns;
        long longUs;
        double seconds;
        try {
            port = Integer.parseInt(args[0]);
            longConns = args.length > 1 ? Integer.parseInt(args[1]) : 2;
            longUs = args.length > 2 ? Long.parseLong(args[2]) : 20_000;
            seconds = args.length > 3 ? Double.parseDouble(args[3]) : 5;
        } catch (RuntimeException e) {
            longConns = -1;
            port = 0;
            longUs = 0;
            seconds = 0;
        }
        if (port < 1 || port > 65535 || longConns < 0 || longConns > 64 || longUs < 0 || longUs > 1_000_000 || !(seconds > 0 && seconds <= 3600)) {
            System.err.println("usage: HttpLoad PORT [LONG-CONNECTIONS 0..64] [LONG-US 0..1000000] [SECONDS 0..3600]; got "
                    + String.join(" ", args));
            System.exit(2);
        }
        System.out.printf(Locale.ROOT, "load: %d connection(s) asking for %d us back to back, one asking for 0 us every 1 ms; "
                + "%.1f s after 1 s of warm-up%n", longConns, longUs, seconds);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong longInWindow = new AtomicLong();
        long start = System.nanoTime(), measureFrom = start + WARMUP_NS, end = measureFrom + (long) (seconds * 1e9);
        List<Thread> loaders = new ArrayList<>();
        String longPath = "/spin?us=" + longUs;
        for (int i = 0; i < longConns; i++) {
            int p = port;
            loaders.add(Thread.ofPlatform().name("long-" + i).start(() -> {
                try (Connection c = new Connection(p)) {
                    while (!stop.get()) {
                        c.get(longPath);
                        long now = System.nanoTime();
                        if (now >= measureFrom && now < end) longInWindow.incrementAndGet();
                    }
                } catch (IOException e) {
                    if (!stop.get()) throw new UncheckedIOException(e);
                }
            }));
        }

        long[] lat = new long[(int) (seconds * 1000) + 16];
        int n = 0;
        String handler = "";
        try (Connection c = new Connection(port)) {
            while (true) {
                long t0 = System.nanoTime();
                if (t0 >= end) break;
                handler = c.get("/spin?us=0");
                long d = System.nanoTime() - t0;
                if (t0 >= measureFrom && n < lat.length) lat[n++] = d;
                Thread.sleep(1);
            }
            stop.set(true);
            for (Thread t : loaders) t.join();
            long longServed = longInWindow.get();
            Arrays.sort(lat, 0, n);
            System.out.printf(Locale.ROOT, "short requests: %d, p50 %.0f us, p90 %.0f us, p99 %.0f us, max %.0f us; "
                    + "long requests served in the window: %d (%.1f/s); the last short one ran on %s%n",
                    n, pct(lat, n, 0.5), pct(lat, n, 0.9), pct(lat, n, 0.99), n == 0 ? 0 : lat[n - 1] / 1e3,
                    longServed, longServed / seconds, handler.strip());
        }
    }

    private static double pct(long[] sorted, int n, double q) {
        return n == 0 ? 0 : sorted[Math.min(n - 1, (int) Math.floor(q * n))] / 1e3;
    }

    /** One keep-alive HTTP/1.1 connection, for answers with a Content-Length. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Connection(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        /** The body of {@code GET path}; fails on anything but a 200. */
        String get(String path) throws IOException {
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = line();
            int length = -1;
            for (String h = line(); !h.isEmpty(); h = line()) {
                if (h.regionMatches(true, 0, "content-length:", 0, 15)) length = Integer.parseInt(h.substring(15).trim());
            }
            if (length < 0) throw new IOException("no Content-Length in the answer to " + path + " (" + status + ")");
            byte[] body = in.readNBytes(length);
            if (!status.contains(" 200 ")) throw new IOException(path + ": " + status + ": " + new String(body, StandardCharsets.UTF_8));
            return new String(body, StandardCharsets.UTF_8);
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) throw new IOException("connection closed");
                if (c != '\r') sb.append((char) c);
            }
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
