package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import skyloft.spi.AdmissionException;
import skyloft.spi.SchedAttr;
import skyloft.util.Durations;

class AttributesAndRegistryTest {

    @Test
    void niceOutOfRangeIsRefusedWithTheRange() {
        var e = assertThrows(AdmissionException.class, () -> SchedAttr.DEFAULT.withNice(20));
        assertTrue(e.getMessage().contains("20") && e.getMessage().contains("-20..19"), e.getMessage());
    }

    @Test
    void negativeSliceIsRefused() {
        var e = assertThrows(AdmissionException.class, () -> SchedAttr.DEFAULT.withSliceNs(-5));
        assertTrue(e.getMessage().contains("-5"), e.getMessage());
    }

    @Test
    void deadlineParametersMustBeOrdered() {
        var e = assertThrows(AdmissionException.class, () -> SchedAttr.DEFAULT.withDeadline(20, 10, 30));
        assertTrue(e.getMessage().contains("runtime <= deadline <= period"), e.getMessage());
        SchedAttr ok = SchedAttr.DEFAULT.withDeadline(10, 0, 100);
        assertEquals(100, ok.deadlineNs());
        assertEquals(0.1, ok.bandwidth(), 1e-12);
    }

    /** Periods up to Linux's default sched_deadline_period_max_us (2^22 us), slices up to the
     *  policies' 1s: beyond them the fixed-point and virtual-time products would overflow. */
    @Test
    void periodAndSliceHaveUpperBoundsNamedInTheRefusal() {
        var e = assertThrows(AdmissionException.class, () -> SchedAttr.DEFAULT.withDeadline(9_000_000_000_000L, 0, 9_000_000_000_001L));
        assertTrue(e.getMessage().contains("period 9000s") && e.getMessage().contains("4194304us"), e.getMessage());
        var d = assertThrows(AdmissionException.class, () -> SchedAttr.DEFAULT.withDeadline(1_000_000, 5_000_000_000L, 0));
        assertTrue(d.getMessage().contains("period 5s"), "a period taken from the deadline is checked too: " + d.getMessage());
        assertEquals(SchedAttr.MAX_PERIOD_NS, SchedAttr.DEFAULT.withDeadline(1_000_000, 0, SchedAttr.MAX_PERIOD_NS).periodNs());
        var slice = assertThrows(AdmissionException.class, () -> SchedAttr.DEFAULT.withSliceNs(2_000_000_000L));
        assertTrue(slice.getMessage().contains("slice 2s") && slice.getMessage().contains("allowed 0 (the policy's default) to 1s"), slice.getMessage());
        assertEquals(SchedAttr.MAX_SLICE_NS, SchedAttr.DEFAULT.withSliceNs(SchedAttr.MAX_SLICE_NS).sliceNs());
    }

    @Test
    void unknownPolicyListsTheKnownNames() {
        var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create("nope"));
        assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("fifo") && e.getMessage().contains("rr"), e.getMessage());
        assertFalse(e.getMessage().contains("did you mean"), e.getMessage());
    }

    @Test
    void aNameWithinTwoEditsOfOneKnownNameIsSuggested() {
        var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create("eevd"));
        assertTrue(e.getMessage().endsWith("did you mean 'eevdf'?"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create("CFS"));
        assertTrue(e.getMessage().endsWith("did you mean 'cfs'?"), e.getMessage());
        // rx is one edit from both rr and rm: no guess
        assertNull(PolicyRegistry.nearest("rx", PolicyRegistry.names()));
        assertEquals("shinjuku", PolicyRegistry.nearest("shinjku", PolicyRegistry.names()));
        assertNull(PolicyRegistry.nearest("lottery", PolicyRegistry.names()));
    }

    @Test
    void rrSliceIsParsedWithUnitsAndRangeChecked() {
        RoundRobin rr = (RoundRobin) PolicyRegistry.create("rr", Map.of("slice", "20us"));
        assertEquals(20_000, rr.sliceNs());
        var neg = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create("rr", Map.of("slice", "-1ms")));
        assertTrue(neg.getMessage().contains("-1ms") && neg.getMessage().contains("negative"), neg.getMessage());
        var small = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create("rr", Map.of("slice", "1us")));
        assertTrue(small.getMessage().contains("allowed 5us to 1s"), small.getMessage());
        var junk = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create("rr", Map.of("slice", "fast")));
        assertTrue(junk.getMessage().contains("'fast'"), junk.getMessage());
    }

    /** The public constructors take what the parameters take, and say so when given less or more. */
    @Test
    void constructorsRefuseWhatTheParametersRefuseNamingTheRange() {
        refuses(() -> new Cfs(50_000, 0, 10_000), "cfs min_granularity 0ns", "allowed 500ns to 1s");
        refuses(() -> new Cfs(0, 500, 0), "cfs latency 0ns", "allowed 1us to 1s");
        refuses(() -> new Cfs(50_000, 12_500, -1), "cfs wakeup_granularity -1ns", "allowed 0 to 1s");
        refuses(() -> new WorkStealing(0), "ws slice 0ns", "allowed 1us to 1s");
        refuses(() -> new Shinjuku(-5), "shinjuku quantum -5ns", "allowed 1us to 1s");
        refuses(() -> new Eevdf(2_000_000_000L), "eevdf slice 2000000000ns", "allowed 1us to 1s");
        refuses(() -> new Deadline(false, 0.001, true), "deadline cap 0.001", "allowed 0.01 to 1");
    }

    private static void refuses(Executable create, String value, String range) {
        var e = assertThrows(IllegalArgumentException.class, create, value);
        assertTrue(e.getMessage().contains(value) && e.getMessage().contains(range), e.getMessage());
    }

    @Test
    void paramsTextParses() {
        assertEquals(Map.of("slice", "50us", "x", "1"), PolicyRegistry.parseParams("slice=50us, x=1"));
        assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.parseParams("slice"));
        // an empty entry is a typo, not nothing (",," was accepted as no parameters)
        for (String text : new String[] {",,", "slice=50us,", ",slice=50us", "slice=50us,,x=1"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.parseParams(text), text);
            assertTrue(e.getMessage().contains("'" + text + "' have an empty entry"), e.getMessage());
        }
        assertEquals(Map.of(), PolicyRegistry.parseParams("  "));
        // a parameter given twice (--param, a --compare entry) is refused, as a file's duplicate key is, not the last kept
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.parseParams("slice=10us,x=1,slice=20us"));
        assertEquals("policy parameter 'slice' is given twice (10us and 20us); allowed each parameter once", twice.getMessage());
        IllegalArgumentException entry = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.Spec.parse("rr[slice=10us,slice=20us]"));
        assertTrue(entry.getMessage().contains("'rr[slice=10us,slice=20us]': policy parameter 'slice' is given twice"), entry.getMessage());
    }

    @Test
    void durationsParseAndFormat() {
        assertEquals(1_500, Durations.parseNs("x", "1.5us"));
        assertEquals(2_000_000, Durations.parseNs("x", "2ms"));
        assertEquals(1_000_000_000, Durations.parseNs("x", "1s"));
        assertEquals(500, Durations.parseNs("x", "500ns"));
        assertEquals("1.5us", Durations.format(1_500));
        assertEquals("2ms", Durations.format(2_000_000));
        var e = assertThrows(IllegalArgumentException.class, () -> Durations.parseNs("--slice", "50 parsecs"));
        assertTrue(e.getMessage().startsWith("--slice"), e.getMessage());
    }

    @Test
    void policySpecsParseAsCommandLinesWriteThem() {
        assertEquals(new PolicyRegistry.Spec("fifo", Map.of()), PolicyRegistry.Spec.parse(" fifo "));
        PolicyRegistry.Spec apps = PolicyRegistry.Spec.parse("apps[lc=rr,lc.slice=30us]");
        assertEquals("apps", apps.name());
        assertEquals(List.of("lc", "lc.slice"), List.copyOf(apps.params().keySet()), "the written order is kept");
        assertEquals("apps[lc=rr,lc.slice=30us]", apps.toString());
        assertTrue(PolicyRegistry.create(apps.name(), apps.params()) instanceof Apps);
        // commas inside brackets belong to their entry
        assertEquals(List.of("fifo", "apps[lc=rr,lc.slice=30us]", "rr[slice=20us]", "cfs"),
                PolicyRegistry.Spec.parseList("fifo,apps[lc=rr,lc.slice=30us],rr[slice=20us],cfs").stream().map(PolicyRegistry.Spec::toString).toList());
        for (String bad : List.of("rr[slice=20us", "rr]", "[slice=20us]", "rr[slice=20us]x", "rr[[slice=20us]]", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.Spec.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "' is not of the form NAME or NAME[name=value,...]"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.Spec.parse("rr[slice]"));
        assertTrue(e.getMessage().contains("'rr[slice]': policy parameter 'slice' is not of the form name=value"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.Spec.parseList("fifo,,rr"));
        assertTrue(e.getMessage().contains("empty entry"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.Spec.parseList("fifo,rr[slice=20us,cfs"));
        assertTrue(e.getMessage().contains("'rr[slice=20us,cfs' is not of the form"), e.getMessage());
        // form only at parse time; the name and the parameters at create
        PolicyRegistry.Spec quantum = PolicyRegistry.Spec.parse("rr[quantum=5us]");
        e = assertThrows(IllegalArgumentException.class, () -> PolicyRegistry.create(quantum.name(), quantum.params()));
        assertTrue(e.getMessage().contains("no parameter 'quantum'"), e.getMessage());
    }
}
