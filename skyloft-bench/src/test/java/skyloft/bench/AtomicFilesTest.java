package skyloft.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An output is written whole or not at all, into directories created as needed. */
class AtomicFilesTest {
    @TempDir
    Path tmp;

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary() throws Exception {
        Path f = Files.writeString(tmp.resolve("out.json"), "old");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(f, w -> {
            w.write("{\"half\": ");
            throw new IOException("No space left on device");
        }));
        assertEquals("cannot write " + f + ": No space left on device", e.getMessage());
        assertEquals("old", Files.readString(f));
        assertEquals(List.of(f), list());
    }

    @Test
    @Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
    void aWriteClearsTheTemporariesThatKilledWritersLeftBesideItsFile() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "true ended");
        Path dead = Files.writeString(tmp.resolve(".out.json." + gone.pid() + ".7.tmp"), "{\"half\": ");
        Path live = Files.writeString(tmp.resolve(".out.json." + ProcessHandle.current().pid() + ".999.tmp"), "a write in progress");
        Path foreign = Files.writeString(tmp.resolve(".out.json.notes.tmp"), "someone else's");
        Path other = Files.writeString(tmp.resolve(".other.json." + gone.pid() + ".1.tmp"), "another file's");
        Path f = tmp.resolve("out.json");
        AtomicFiles.writeString(f, "new");
        assertEquals("new", Files.readString(f));
        assertTrue(!Files.exists(dead), "the dead writer's temporary is gone");
        assertTrue(Files.exists(live) && Files.exists(foreign) && Files.exists(other),
                "a running writer's, a file not named as ours and another output's stay: " + list());
    }

    @Test
    void aWriteReplacesTheFileAndCreatesMissingDirectories() throws Exception {
        Path f = Files.writeString(tmp.resolve("out.json"), "a longer old text");
        AtomicFiles.writeString(f, "new");
        assertEquals("new", Files.readString(f));
        Path deep = tmp.resolve("new/sub/report.html");
        new BenchResult("b").writeJson(deep);
        assertTrue(Files.readString(deep).startsWith("{\"benchmark\": \"b\""));
        assertEquals(List.of(tmp.resolve("new"), f), list(), "no temporaries left beside them");
    }

    @Test
    // a separate thread: an open of a FIFO that no one opens at the other end blocks where an interrupt cannot end it
    @Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFifoIsWrittenIntoNotReplacedByAFile() throws Exception {
        // as /dev/stdout on a pipe: a rename over it would put a regular file in its place
        Path fifo = tmp.resolve("out.fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        Assumptions.assumeTrue(mkfifo.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo");
        var read = new java.util.concurrent.CompletableFuture<String>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try {
                read.complete(Files.readString(fifo));
            } catch (IOException e) {
                read.completeExceptionally(e);
            }
        });
        AtomicFiles.writeString(fifo, "{}");
        assertEquals("{}", read.get(60, java.util.concurrent.TimeUnit.SECONDS), "the reader got the text through the FIFO");
        reader.join(java.time.Duration.ofSeconds(10));
        assertTrue(Files.exists(fifo) && !Files.isRegularFile(fifo), "still a FIFO");
        assertEquals(List.of(fifo), list(), "no temporaries");
    }

    @Test
    void aDeviceWhoseWritesFailFailsTheWriteAndStaysADevice() throws Exception {
        Path full = Path.of("/dev/full");
        Assumptions.assumeTrue(Files.exists(full) && !Files.isRegularFile(full), "a /dev/full device, whose writes fail with ENOSPC");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(full, "{}"));
        assertEquals("cannot write /dev/full: No space left on device", e.getMessage());
        assertTrue(!Files.isRegularFile(full), "/dev/full is still a device");
    }

    @Test
    void aSymbolicLinkIsWrittenThroughAndKept() throws Exception {
        Path target = Files.writeString(tmp.resolve("target.json"), "old");
        Path link = Files.createSymbolicLink(tmp.resolve("link.json"), target);
        AtomicFiles.writeString(link, "new");
        assertTrue(Files.isSymbolicLink(link), "the link is still a link");
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(link, target), list(), "no temporaries left");
    }

    @Test
    void failuresAreDescribedInOneLine() {
        assertEquals("/sys/x.json: permission denied", AtomicFiles.describe(new AccessDeniedException("/sys/x.json")));
        Path blocker = tmp.resolve("file");
        IOException e = assertThrows(IOException.class, () -> {
            Files.writeString(blocker, "x");
            AtomicFiles.writeString(blocker.resolve("sub/x.json"), "{}");
        });
        assertTrue(e.getMessage().startsWith("cannot write " + blocker.resolve("sub/x.json") + ": " + blocker), e.getMessage());
    }

    private List<Path> list() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.sorted().toList();
        }
    }
}
