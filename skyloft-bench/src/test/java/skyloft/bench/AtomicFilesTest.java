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
import org.junit.jupiter.api.Test;
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
