package skyloft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code skyloft sim --compare}: one run per policy, labelled with what each run got, and bad lists refused up front. */
class SimCommandTest {

    /** rr with a 50-us slice in the file; a bimodal stream on one CPU. */
    private static Path scenario(Path dir) throws Exception {
        Path f = dir.resolve("cmp.yaml");
        Files.writeString(f, """
                name: cmp
                cpus: 1
                duration: 20ms
                seed: 3
                policy: rr
                params: {slice: 50us}
                tasks:
                  - name: req
                    type: poisson
                    rate: 40k/s
                    service:
                      bimodal:
                        - {p: 0.99, value: 5us}
                        - {p: 0.01, value: 500us}
                """);
        return f;
    }

    private static SimCommand parsed(String... args) {
        SimCommand c = new SimCommand();
        new CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void comparesThePoliciesOnTheSameArrivals(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("out.json");
        SimCommand c = parsed(scenario(dir).toString(), "--compare", "rr,rr[slice=10us],fifo", "--json", json.toString());
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, c.call());
        } finally {
            System.setOut(old);
        }
        String table = buf.toString(StandardCharsets.UTF_8);
        assertTrue(table.startsWith("cmp: 3 policies, 1 CPU, 20ms simulated, seed 3"), table);
        // the entry naming the file's policy shows the file's slice; the one that sets it, its own
        for (String label : List.of("rr[slice=50us]", "rr[slice=10us]", "fifo")) {
            assertTrue(table.contains("host under " + label + ": "), table);
        }
        String js = Files.readString(json);
        assertEquals(List.of("rr[slice=50us]", "rr[slice=10us]", "fifo"), all(js, "\"label\": \"([^\"]+)\""));
        List<String> released = all(js, "\"released\": (\\d+)");
        assertEquals(3, released.size(), js);
        assertEquals(1, released.stream().distinct().count(), "the same arrivals under every policy: " + released);
        // the shorter slice changes the run (more preemptions), so the parameters reached the policy
        List<String> preemptions = all(js, "\"preemptions\": (\\d+)");
        assertTrue(Long.parseLong(preemptions.get(1)) > Long.parseLong(preemptions.get(0)), preemptions.toString());
        assertEquals("0", preemptions.get(2));
    }

    @Test
    void minusMinusPolicyTakesParametersInBracketsAsCompareDoes(@TempDir Path dir) throws Exception {
        SimOutputsTest.Run r = SimOutputsTest.run("sim", scenario(dir).toString(), "--policy", "rr[slice=20us]", "--param", "");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("policy rr[slice=20us]"), r.out());
        r = SimOutputsTest.run("sim", scenario(dir).toString(), "--policy", "rr[slice=20us]", "--param", "slice=30us");
        assertEquals(2, r.code(), r.toString());
        assertEquals("skyloft: policy parameter 'slice' is given in rr[slice=20us] and in --param (slice=30us); allowed each parameter once\n", r.err());
    }

    @Test
    void aRefusedPolicyOrParameterIsBlamedOnTheOptionThatGaveItNotOnTheFile(@TempDir Path dir) throws Exception {
        String f = scenario(dir).toString();
        String[][] cases = {
                {"skyloft: --param: policy ", "sim", f, "--param", "bogus=1"},
                {"skyloft: --policy: policy rr parameter slice: 1ns is out of range", "sim", f, "--policy", "rr[slice=1ns]"},
                {"skyloft: --compare entry 'nosuch': unknown policy 'nosuch'", "sim", f, "--compare", "rr,nosuch"},
                {"skyloft: --compare entry 'cfs[bogus=2]': policy cfs has no parameter 'bogus'", "sim", f, "--compare", "rr,cfs[bogus=2]"},
        };
        for (String[] c : cases) {
            SimOutputsTest.Run r = SimOutputsTest.run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().startsWith(c[0]) && !r.err().contains(f + ": policy:"), r.err());
        }
    }

    @Test
    void aDurationPastOneHourIsRefusedAsInAFile(@TempDir Path dir) throws Exception {
        SimCommand c = parsed(scenario(dir).toString(), "--duration", "4000000000s");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::call);
        assertEquals("--duration: 4000000000s is out of range; allowed 1ns to 3600s", e.getMessage());
    }

    @Test
    void anUnknownPolicyOnTheCommandLineIsBlamedOnPolicyNotOnTheFile(@TempDir Path dir) throws Exception {
        SimCommand c = parsed(scenario(dir).toString(), "--policy", "foo");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::call);
        assertTrue(e.getMessage().startsWith("--policy: unknown policy 'foo'; known policies: fifo, rr"), e.getMessage());
    }

    /** Real-time case B: U = 0.971, over deadline's 0.95 cap; the file turns rm's admission off. */
    private static Path caseB(Path dir) throws Exception {
        return Files.writeString(dir.resolve("rtb.yaml"), """
                cpus: 1
                duration: 35ms
                policy: rm
                params: {admission: "off"}
                tasks:
                  - {name: t1, type: periodic, runtime: 2ms, deadline: 5ms, period: 5ms}
                  - {name: t2, type: periodic, runtime: 4ms, deadline: 7ms, period: 7ms}
                """);
    }

    @Test
    void aRefusalAtAdmissionComesBeforeTheFirstRunAndSaysHowToTurnItOff(@TempDir Path dir) throws Exception {
        Path f = caseB(dir), json = dir.resolve("rtb.json");
        SimOutputsTest.Run r = SimOutputsTest.run("sim", f.toString(), "--compare", "rm,deadline[cap=0.9]", "--json", json.toString());
        assertEquals(2, r.code());
        assertEquals("", r.out(), "no run printed before the refusal");
        assertTrue(r.err().startsWith("skyloft: --compare entry 'deadline[cap=0.9]': " + f + ": task t2: policy deadline refused"), r.err());
        assertTrue(r.err().endsWith("; to admit it anyway: deadline[cap=0.9,admission=off]\n"), r.err());
        assertFalse(r.err().contains("create the policy"), r.err());
        assertFalse(Files.exists(json));

        SimOutputsTest.Run one = SimOutputsTest.run("sim", f.toString(), "--policy", "deadline");
        assertEquals(2, one.code());
        assertTrue(one.err().endsWith("; to admit it anyway: --param admission=off\n"), one.err());
        assertEquals(0, SimOutputsTest.run("sim", f.toString(), "--compare", "rm,deadline[admission=off]").code());
    }

    @Test
    void entriesAreTheSameRunWhenTheirPoliciesGetTheSameParametersDefaultsIncluded(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("plain.yaml"), "duration: 1ms\ntasks: [{name: a, type: hog}]\n");
        for (String list : List.of("rr,rr[slice=50us]", "rr[slice=50000ns],rr", "deadline[cap=0.950],deadline")) {
            SimCommand c = parsed(f.toString(), "--compare", list);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::call, list);
            assertTrue(e.getMessage().startsWith("--compare runs ") && e.getMessage().contains(" twice (entries '"), e.getMessage());
        }
    }

    @Test
    void labelsKeepTheFilesParameterOrderAndOnePolicyIsOne(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("apps.yaml"), """
                duration: 1ms
                policy: apps
                params: {lc: rr, be: cfs, be_min: 0.1, be_quantum: 50us, be_apps: batch}
                tasks: [{name: a, type: hog}]
                """);
        SimOutputsTest.Run r = SimOutputsTest.run("sim", f.toString(), "--compare", "apps");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("apps: 1 policy, 1 CPU, "), r.out());
        assertTrue(r.out().contains("host under apps[lc=rr,be=cfs,be_min=0.1,be_quantum=50us,be_apps=batch]: "), r.out());
    }

    @Test
    void aSingleRunsJsonAndHeaderSayWhatParametersAndCostsItRanWith(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("pj.json");
        SimOutputsTest.Run r = SimOutputsTest.run("sim", scenario(dir).toString(), "--policy", "rr", "--param", "slice=20us",
                "--costs", "lock=500ns", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("cmp: policy rr[slice=20us], 1 CPU, 20ms simulated, seed 3, costs lock=500ns ("), r.out());
        String js = Files.readString(json);
        assertTrue(js.contains("\"policy\": \"rr\",") && js.contains("\"params\": {\"slice\": \"20us\"}") && js.contains("\"lock_ns\": 500"), js);
    }

    private static List<String> all(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        List<String> out = new ArrayList<>();
        while (m.find()) out.add(m.group(1));
        return out;
    }

    @Test
    void badListsAndClashingOptionsAreRefusedBeforeAnyRun(@TempDir Path dir) throws Exception {
        String f = scenario(dir).toString();
        List<List<String>> cases = List.of(
                List.of("--compare", "fifo,rr[slice=20us", "--compare: 'rr[slice=20us' is not of the form NAME or NAME[name=value,...]"),
                List.of("--compare", "fifo,,rr", "--compare: empty entry in the policy list 'fifo,,rr'"),
                List.of("--compare", "fifo,nosuch", "--compare entry 'nosuch': unknown policy 'nosuch'; known policies: fifo, rr"),
                List.of("--compare", "fifo,rr[quantum=5us]", "--compare entry 'rr[quantum=5us]': policy rr has no parameter 'quantum'; known: slice"),
                List.of("--compare", "rr[slice=1ns]", "slice: 1ns is out of range; allowed 5us to 1s"),
                // rr alone gets the file's 50 us, so it is the same run as rr[slice=50us]
                List.of("--compare", "rr,rr[slice=50us]", "--compare runs rr[slice=50us] twice"));
        for (List<String> k : cases) {
            SimCommand c = parsed(f, k.get(0), k.get(1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::call, k.toString());
            assertTrue(e.getMessage().contains(k.get(2)), e.getMessage());
        }
        SimCommand c = parsed(f, "--compare", "fifo,rr", "--param", "slice=20us", "--gantt", dir.resolve("g.svg").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::call);
        assertTrue(e.getMessage().startsWith("--compare runs several policies and cannot be combined with --param, --gantt;"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("g.svg")));
    }
}
