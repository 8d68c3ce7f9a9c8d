package sample;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A plain Java HTTP server, with no Skyloft in it, to run with and without {@code skyloft run}:
 * the JDK's {@code HttpServer} on the loopback interface, its dispatcher a platform thread, every
 * request handled in a virtual thread of {@code Executors.newVirtualThreadPerTaskExecutor()}.
 * {@code GET /spin?us=N} computes for N microseconds of CPU (a number of iterations calibrated at
 * start, so a preempted request takes longer) and answers with the handler's thread. Once
 * it listens, it runs {@link HttpLoad} against itself in a JVM of its own (the same java, a plain
 * one), prints what that measured, stops and exits with its code:
 *
 * <pre>
 * java -cp skyloft-bench.jar sample.HttpSpin [LONG-CONNECTIONS [LONG-US [SECONDS]]]
 * ./skyloft run --policy rr --param slice=30us -- -cp skyloft-bench.jar sample.HttpSpin [...]
 * </pre>
 *
 * The load (defaults 2, 20000, 5): LONG-CONNECTIONS connections ask for LONG-US of computation
 * back to back, so the handlers would keep every CPU of a 2-CPU machine busy; one more asks for
 * none, once a millisecond, and its latencies are the figure. With the JDK's scheduler a short
 * request waits for a carrier, behind the long ones that never yield; under a preemptive policy
 * it gets one within a slice.
 */
public final class HttpSpin {
    private HttpSpin() {}

    /** Iterations of {@link Spin#run} per microsecond, calibrated before the server starts. */
    private static double itersPerUs;

    public static void main(String[] args) throws Exception {
        itersPerUs = Spin.calibrate() * 1_000;
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(handlers);
        server.createContext("/spin", HttpSpin::spin);
        server.start();
        int port = server.getAddress().getPort();
        System.out.println("listening on 127.0.0.1:" + port + "; main on " + Thread.currentThread());

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HttpLoad.class.getName(), Integer.toString(port)));
        cmd.addAll(List.of(args));
        int code;
        try {
            code = new ProcessBuilder(cmd).inheritIO().start().waitFor();
        } finally {
            server.stop(0);
            handlers.shutdownNow();
        }
        System.exit(code);
    }

    private static void spin(HttpExchange ex) throws IOException {
        long us = 0;
        String q = ex.getRequestURI().getQuery();
        if (q != null && q.startsWith("us=")) {
            try {
                us = Long.parseLong(q.substring(3));
            } catch (NumberFormatException e) {
                us = -1;
            }
        }
        if (us < 0 || us > 1_000_000) {
            reply(ex, 400, "us must be 0 to 1000000, got " + q + "\n");
            return;
        }
        Spin.run((long) (us * itersPerUs));
        reply(ex, 200, Thread.currentThread() + "\n");
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }
}
