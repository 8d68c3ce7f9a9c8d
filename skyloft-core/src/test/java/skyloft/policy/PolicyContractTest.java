package skyloft.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every registered policy passes {@link PolicyContract}: one container per policy spec, one test
 * per case. A new policy is covered as soon as it is in {@link PolicyRegistry}.
 */
class PolicyContractTest {

    /** Every registered policy with its defaults, plus the variants whose parameters change
     *  behaviour rather than a constant. */
    static Stream<String> policies() {
        return Stream.concat(PolicyRegistry.names().stream(),
                Stream.of("fifo[handoff=true]", "apps[lc=fifo,lc.handoff=true]", "eevdf[sleeplag=decay]", "eevdf[wakeup=parity]", "eevdf[wakeup=parity_short]", "deadline[placement=partitioned]", "apps[lc=eevdf,be=ws]", "apps[lc=shinjuku,be=fifo]", "apps[be_apps=default]",
                        "apps[be_min=0.2,be_quantum=10us]", "apps[lc=fifo,be=fifo,be_min=0.5,be_quantum=5us]",
                        // isolation: a one-CPU list, so that the suite's 1-CPU hosts take it too
                        "apps[be_cpus=0]", "apps[be_cpus=0,lc_return=on]", "apps[be_apps=default,be=rr,lc_cpus=0]"));
    }

    @TestFactory
    Stream<DynamicContainer> everyPolicyPassesTheContract() {
        return policies().map(spec -> {
            PolicyContract.Subject subject = PolicyContract.Subject.of(spec);
            return DynamicContainer.dynamicContainer(spec, PolicyContract.cases().stream().map(c ->
                    DynamicTest.dynamicTest(c.name(), () -> {
                        try {
                            c.check().run(subject);
                        } catch (PolicyContract.NotApplicable e) {
                            Assumptions.abort(e.getMessage());
                        }
                    })));
        });
    }

    /** Which of the yield-then-hogs case's subjects it applies to: the check decides by what the
     *  policy does, so pin the outcome for the policies known never to preempt these tasks. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void theHogCaseSkipsExactlyThePoliciesThatNeverPreemptCpuBoundTasks(String spec) {
        boolean neverPreempts = spec.startsWith("fifo") || spec.contains("lc=fifo");
        PolicyContract.Case hogs = PolicyContract.cases().stream().filter(c -> c.name().equals("yield-then-hogs")).findFirst().orElseThrow();
        boolean skipped;
        try {
            hogs.check().run(PolicyContract.Subject.of(spec));
            skipped = false;
        } catch (PolicyContract.NotApplicable e) {
            skipped = true;
        }
        assertEquals(neverPreempts, skipped, spec);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void theRegisteredNameIsThePolicysName(String spec) {
        PolicyContract.Subject s = PolicyContract.Subject.of(spec);
        assertEquals(s.spec().name(), s.create().name());
    }

    @org.junit.jupiter.api.Test
    void aFailedCaseIsAnOutcomeAndTheOthersStillRun() {
        // rr with an impossible slice fails every case at its build, and each case says so
        List<PolicyContract.Outcome> out = PolicyContract.run(new PolicyContract.Subject(PolicyRegistry.Spec.parse("rr[slice=1ns]"), false, false));
        assertEquals(PolicyContract.cases().size(), out.size());
        for (PolicyContract.Outcome o : out) {
            if (o.check().name().equals("unknown-parameter")) continue; // bogus is refused before the slice is read
            assertEquals(PolicyContract.Result.FAILED, o.result(), o.check().name());
            org.junit.jupiter.api.Assertions.assertTrue(o.detail().contains("slice"), o.detail());
        }
    }
}
