package skyloft.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes output files (JSON, SVG, HTML) whole or not at all: the text goes to a temporary file
 * beside the target, which is then renamed over it, so a failure (a full disk, an exception
 * while writing) leaves an existing file as it was and no half-written one. Missing parent
 * directories are created. A failure is an {@link IOException} whose message names the file
 * and the reason. The temporary file that a writer killed mid-write (SIGKILL) leaves is deleted
 * by the next successful write of the same file.
 *
 * <p>A symbolic link is written through: the file it names is replaced, not the link. A target
 * that exists and is no regular file ({@code /dev/null}, {@code /dev/full}, a FIFO), or is
 * under /dev or /proc ({@code /dev/stdout}), cannot be replaced, as renaming over it would put a
 * file in its place (where /dev is writable, as for root): it is written into directly, and its
 * errors fail the write as any other's.
 */
public final class AtomicFiles {
    private static final AtomicLong TEMP_SEQ = new AtomicLong();

    /** Writes the text {@code body} produces. */
    public interface Body {
        void to(Writer w) throws IOException;
    }

    private AtomicFiles() {}

    public static void writeString(Path file, String text) throws IOException {
        write(file, w -> w.write(text));
    }

    /** Writes {@code file} (UTF-8) with what {@code body} writes, replacing it only once all is written. */
    public static void write(Path file, Body body) throws IOException {
        Path abs = file.toAbsolutePath();
        if (inPlace(abs)) {
            writeInPlace(file, abs, body);
            return;
        }
        if (Files.isSymbolicLink(abs) && Files.exists(abs)) abs = abs.toRealPath(); // the file the link names is replaced, the link kept
        Path dir = abs.getParent();
        // not createTempFile: its owner-only permissions would carry over to the output
        Path tmp = dir.resolve("." + abs.getFileName() + "." + ProcessHandle.current().pid() + "." + TEMP_SEQ.incrementAndGet() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.to(w);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // a failure on a parent directory names it; one on the file or its temporary needs not
            throw new IOException("cannot write " + file + ": " + (about(e, tmp) ? reason(e) : describe(e, abs)), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write's own failure, if any, is the one to report
            }
        }
        deleteStaleTemporaries(abs);
    }

    /** Whether {@code abs} is a device, FIFO or the like, or a file that stands for one
     *  ({@code /dev/stdout} redirected to a file, whose descriptor the shell holds): it exists and
     *  is no regular file, or it is under /dev or /proc. */
    private static boolean inPlace(Path abs) {
        Path p = abs.normalize();
        return Files.exists(p) && (!Files.isRegularFile(p) || p.startsWith("/dev") || p.startsWith("/proc"));
    }

    /** Writes straight into {@code abs}, which no rename may replace. */
    private static void writeInPlace(Path file, Path abs, Body body) throws IOException {
        try (Writer w = new java.io.OutputStreamWriter(Files.newOutputStream(abs, StandardOpenOption.WRITE), StandardCharsets.UTF_8)) {
            body.to(w);
        } catch (IOException e) {
            throw new IOException("cannot write " + file + ": " + describe(e, abs), e);
        }
    }

    /**
     * Deletes the temporary files that writes of {@code file} by processes no longer running left
     * beside it (a JVM killed with SIGKILL mid-write runs no cleanup). A temporary file's name
     * carries its writer's pid; those of running processes, this one's included, are left alone.
     */
    static void deleteStaleTemporaries(Path file) {
        String prefix = "." + file.getFileName() + ".";
        try (var entries = Files.newDirectoryStream(file.getParent(), p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp");
        })) {
            for (Path t : entries) {
                String[] parts = t.getFileName().toString().substring(prefix.length()).split("\\.");
                if (parts.length != 3) continue; // not one of ours: PID.SEQ.tmp
                long pid;
                try {
                    pid = Long.parseLong(parts[0]);
                    Long.parseLong(parts[1]);
                } catch (NumberFormatException notOurs) {
                    continue;
                }
                if (ProcessHandle.of(pid).isEmpty()) Files.deleteIfExists(t);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: the file itself was written
        }
    }

    /** An I/O failure in one line: the file it concerns, if it names one, and why. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) return f.getFile() + ": " + reason(e);
        return reason(e);
    }

    /** As {@link #describe(IOException)}, leaving the file out when it is {@code path}, which the
     *  sentence around it names already. */
    public static String describe(IOException e, Path path) {
        return about(e, path) ? reason(e) : describe(e);
    }

    /** Whether {@code e} concerns {@code path}, or names no file. */
    private static boolean about(IOException e, Path path) {
        if (!(e instanceof FileSystemException f) || f.getFile() == null) return true;
        return Path.of(f.getFile()).toAbsolutePath().equals(path.toAbsolutePath());
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return switch (e) {
            case AccessDeniedException a -> "permission denied";
            case NoSuchFileException n -> "no such file or directory";
            case FileAlreadyExistsException a -> "a file is in the way";
            case NotDirectoryException n -> "not a directory";
            case FileSystemException f -> f.getClass().getSimpleName();
            default -> e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        };
    }
}
