package skyloft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

    @Test
    void defaultsInstrumentEverythingNotAlwaysExcluded() {
        for (String args : new String[] {null, "", " ; "}) {
            AgentConfig c = AgentConfig.parse(args);
            assertEquals(List.of(), c.filter().include());
            assertEquals(PollInserter.Options.DEFAULT, c.options());
            assertFalse(c.verbose());
            assertTrue(c.redirect(), "thread factory calls are redirected by default");
            assertTrue(c.filter().accepts("com.acme.Foo"));
        }
    }

    @Test
    void parsesIncludeExcludeStrideEntryVerbose() {
        AgentConfig c = AgentConfig.parse("include=com.acme.,org.foo.;exclude=com.acme.gen.;stride=8;entry=false;verbose");
        assertEquals(List.of("com.acme.", "org.foo."), c.filter().include());
        assertEquals(List.of("com.acme.gen."), c.filter().exclude());
        assertEquals(8, c.options().backEdgeStride());
        assertFalse(c.options().entryPolls());
        assertTrue(c.verbose());
        assertTrue(c.filter().accepts("com.acme.App"));
        assertTrue(c.filter().accepts("org/foo/Bar"), "internal names work too");
        assertFalse(c.filter().accepts("com.acme.gen.Parser"), "exclude wins over include");
        assertFalse(c.filter().accepts("net.other.Thing"), "not included");
        assertFalse(AgentConfig.parse("redirect=false").redirect());
        assertTrue(AgentConfig.parse("redirect=true").redirect());
    }

    @Test
    void neverTheJdkSkyloftOrBundledLibrariesEvenWhenIncluded() {
        ClassFilter f = AgentConfig.parse("include=java.,jdk.,skyloft.,picocli.,org.junit.,com.sun.").filter();
        for (String n : List.of("java.util.HashMap", "javax.net.SocketFactory", "jdk.internal.misc.Unsafe", "sun.misc.Unsafe",
                "com.sun.net.httpserver.HttpServer", "skyloft.runtime.Poll", "skyloft.agent.PollAgent", "picocli.CommandLine",
                "org.HdrHistogram.Histogram", "org.junit.jupiter.api.Test", "org.opentest4j.AssertionFailedError",
                "org.apiguardian.api.API")) {
            assertFalse(f.accepts(n), n);
            assertTrue(f.rejection(n).startsWith("always excluded"), f.rejection(n));
        }
    }

    @Test
    void badArgumentsNameTheValueAndWhatIsAllowed() {
        var e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.parse("includes=com.acme."));
        assertTrue(e.getMessage().contains("includes=com.acme.") && e.getMessage().contains("include, exclude"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.parse("stride=0"));
        assertTrue(e.getMessage().contains("'0'") && e.getMessage().contains("1..65536"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.parse("stride=lots"));
        assertTrue(e.getMessage().contains("'lots'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.parse("include="));
        assertTrue(e.getMessage().contains("include"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.parse("include=,"));
        assertTrue(e.getMessage().contains("include=','") && e.getMessage().contains("names no package prefix"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.parse("exclude=."));
        assertTrue(e.getMessage().contains("'.'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.parse("exclude=com acme"));
        assertTrue(e.getMessage().contains("'com acme'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.parse("entry=maybe"));
        assertTrue(e.getMessage().contains("'maybe'") && e.getMessage().contains("true or false"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AgentConfig.parse("redirect=yes"));
        assertTrue(e.getMessage().contains("redirect") && e.getMessage().contains("'yes'") && e.getMessage().contains("true or false"), e.getMessage());
    }
}
