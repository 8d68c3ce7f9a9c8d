package sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A plain Java program, with no Skyloft in it, whose JVM exit shows what the JDK's I/O poller
 * costs: with {@code io}, a virtual thread opens a loopback connection and sends one byte, which
 * starts the JDK's poller threads; with {@code none}, a virtual thread does nothing. Time the
 * whole process ({@code /usr/bin/time}): the JVM's exit waits up to 300 ms for the poller's
 * thread, which sits in native code.
 *
 * <pre>
 * java -cp skyloft-bench.jar sample.VirtualIoExit [io|none]
 * </pre>
 */
public final class VirtualIoExit {
    private VirtualIoExit() {}

    public static void main(String[] args) throws Exception {
        boolean io = args.length == 0 || args[0].equals("io");
        if (args.length > 0 && !args[0].equals("io") && !args[0].equals("none")) {
            System.err.println("usage: VirtualIoExit [io|none]; got " + String.join(" ", args));
            System.exit(2);
        }
        Thread.ofVirtual().start(() -> {
            if (!io) return;
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                 Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 Socket accepted = server.accept()) {
                client.getOutputStream().write(1);
                if (accepted.getInputStream().read() != 1) throw new IllegalStateException("the byte did not arrive");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).join();
    }
}
