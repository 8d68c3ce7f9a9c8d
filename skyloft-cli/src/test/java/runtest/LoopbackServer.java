package runtest;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The application `RunCommandTest` runs to see where a server's handlers run: the JDK's HTTP
 * server on the loopback interface, with a virtual thread per request. Its dispatcher is a
 * platform thread, so the JDK alone puts every handler on its own scheduler. Main sends three
 * requests and prints, for each, the thread that handled it.
 */
public final class LoopbackServer {
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = Thread.currentThread().toString().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        try (HttpClient client = HttpClient.newHttpClient()) {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            for (int i = 0; i < 3; i++) {
                String handler = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
                System.out.println("handler.thread=" + handler);
            }
        } finally {
            server.stop(0);
        }
    }
}
