package skyloft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AppLauncherTest {

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) p.setProperty(kv[i], kv[i + 1]);
        return p;
    }

    @Test
    void defaultsAreRrOnEveryCoreWithThePollTimer() {
        AppLauncher.Config c = AppLauncher.Config.from(new Properties());
        assertEquals("rr", c.policy());
        assertEquals(Map.of(), c.params());
        assertEquals(Runtime.getRuntime().availableProcessors(), c.cores());
        assertEquals(TimerMode.POLL, c.timer());
        assertEquals(0, c.tickNs());
        assertEquals(SkyloftRuntime.DEFAULT_IDLE_SPIN_NS, c.idleSpinMinNs());
        assertEquals(SkyloftRuntime.DEFAULT_IDLE_SPIN_MAX_NS, c.idleSpinMaxNs());
        assertFalse(c.stats());
    }

    @Test
    void theFlagsItWritesReadBackToTheSameConfiguration() {
        AppLauncher.Config c = AppLauncher.Config.from(props("skyloft.policy", "eevdf", "skyloft.params", "slice=20us,sleeplag=decay",
                "skyloft.cores", "1", "skyloft.timer", "sleep", "skyloft.tick", "1234567ns", "skyloft.idleSpin", "0..1ms", "skyloft.stats", "true"));
        assertEquals(Map.of("slice", "20us", "sleeplag", "decay"), c.params());
        assertEquals(1_234_567, c.tickNs());
        assertEquals(0, c.idleSpinMinNs());
        assertEquals(1_000_000, c.idleSpinMaxNs());
        Properties back = new Properties();
        for (String f : c.systemPropertyFlags()) {
            assertTrue(f.startsWith("-D"), f);
            int eq = f.indexOf('=');
            back.setProperty(f.substring(2, eq), f.substring(eq + 1));
        }
        assertEquals(c, AppLauncher.Config.from(back));
        assertTrue(c.systemPropertyFlags().contains("-Dskyloft.tick=1234567ns"), "a duration that would round stays in ns");
        assertTrue(c.systemPropertyFlags().contains("-Dskyloft.idleSpin=0ns..1ms"), c.systemPropertyFlags().toString());
    }

    @Test
    void aPolicyWithItsParametersInBracketsJoinsTheParamsProperty() {
        AppLauncher.Config c = AppLauncher.Config.from(props("skyloft.policy", "eevdf[slice=20us]", "skyloft.params", "sleeplag=decay"));
        assertEquals("eevdf", c.policy());
        assertEquals(Map.of("slice", "20us", "sleeplag", "decay"), c.params());
        var e = assertThrows(IllegalArgumentException.class,
                () -> AppLauncher.Config.from(props("skyloft.policy", "rr[slice=20us]", "skyloft.params", "slice=30us")));
        assertEquals("policy parameter 'slice' is given in rr[slice=20us] and in skyloft.params (slice=30us); allowed each parameter once", e.getMessage());
    }

    @Test
    void badSettingsAreRefusedNamingTheValueAndWhatIsAllowed() {
        var e = assertThrows(IllegalArgumentException.class, () -> AppLauncher.Config.from(props("skyloft.policy", "nope")));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("rr"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AppLauncher.Config.from(props("skyloft.params", "quantum=5us")));
        assertTrue(e.getMessage().contains("'quantum'") && e.getMessage().contains("slice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AppLauncher.Config.from(props("skyloft.cores", "0")));
        assertTrue(e.getMessage().contains("'0'") && e.getMessage().contains("1.."), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AppLauncher.Config.from(props("skyloft.cores", "two")));
        assertTrue(e.getMessage().contains("'two'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AppLauncher.Config.from(props("skyloft.timer", "hpet")));
        assertTrue(e.getMessage().contains("'hpet'") && e.getMessage().contains("poll"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AppLauncher.Config.from(props("skyloft.tick", "0.5us")));
        assertTrue(e.getMessage().contains("skyloft.tick") && e.getMessage().contains("1us"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AppLauncher.Config.from(props("skyloft.idleSpin", "2ms..1ms")));
        assertTrue(e.getMessage().contains("skyloft.idleSpin"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AppLauncher.Config.from(props("skyloft.stats", "yes")));
        assertTrue(e.getMessage().contains("'yes'") && e.getMessage().contains("true or false"), e.getMessage());
    }

    // ---- the main method, as the JDK 25 launcher finds it ----

    static final List<String> CALLS = new java.util.concurrent.CopyOnWriteArrayList<>();

    static class StaticWithArgs {
        public static void main(String[] args) { CALLS.add("static " + String.join(",", args)); }
        static void main() { CALLS.add("wrong: no-arg"); }
    }

    static class InstanceNoArgs {
        void main() { CALLS.add("instance"); }
    }

    static class Inherits extends StaticWithArgs {}

    interface MainByDefault {
        default void main() { CALLS.add("default"); }
    }

    static class FromInterface implements MainByDefault {}

    static class OnlyPrivate {
        private static void main(String[] args) { CALLS.add("wrong: private"); }
    }

    static class ReturnsInt {
        static int main(String[] args) { return 1; }
    }

    static class PrivateConstructor {
        private PrivateConstructor() {}
        void main() { CALLS.add("wrong"); }
    }

    static class Throws {
        static void main(String[] args) throws Exception { throw new java.io.IOException("from main"); }
    }

    @Test
    void theMainMethodIsFoundAsJavaFindsItAndCalled() throws Throwable {
        CALLS.clear();
        AppLauncher.findMain(StaticWithArgs.class).invoke(StaticWithArgs.class, new String[] {"a", "b"});
        AppLauncher.findMain(InstanceNoArgs.class).invoke(InstanceNoArgs.class, new String[] {"ignored"});
        AppLauncher.findMain(Inherits.class).invoke(Inherits.class, new String[] {"c"});
        AppLauncher.findMain(FromInterface.class).invoke(FromInterface.class, new String[0]);
        assertEquals(List.of("static a,b", "instance", "static c", "default"), CALLS);
        var e = assertThrows(java.io.IOException.class, () -> AppLauncher.findMain(Throws.class).invoke(Throws.class, new String[0]));
        assertEquals("from main", e.getMessage(), "the application's own exception, not a reflection wrapper");
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 30, unit = java.util.concurrent.TimeUnit.SECONDS)
    void platformThreadsThatVirtualThreadsStartedAreFoundForTheWarningAtMainsEnd() throws Exception {
        var before = Thread.getAllStackTraces().keySet();
        var release = new java.util.concurrent.CountDownLatch(1);
        Thread[] made = new Thread[2];
        Thread.ofVirtual().start(() -> {
            made[0] = new Thread(() -> awaitQuietly(release), "from-virtual");
            made[0].start();
        }).join();
        made[1] = new Thread(() -> awaitQuietly(release), "from-platform"); // not a daemon, not in VirtualThreads
        made[1].start();
        try {
            List<Thread> found = AppLauncher.platformThreadsOfVirtualThreads(before);
            assertEquals(List.of(made[0]), found);
        } finally {
            release.countDown();
            for (Thread t : made) t.join();
        }
    }

    private static void awaitQuietly(java.util.concurrent.CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void classesWithoutAUsableMainAreRefusedNamingTheClass() {
        for (Class<?> c : List.of(OnlyPrivate.class, ReturnsInt.class, AppLauncherTest.class)) {
            var e = assertThrows(IllegalArgumentException.class, () -> AppLauncher.findMain(c));
            assertTrue(e.getMessage().contains(c.getName()) && e.getMessage().contains("main(String[])"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> AppLauncher.findMain(PrivateConstructor.class));
        assertTrue(e.getMessage().contains("constructor"), e.getMessage());
    }
}
