package dev.locksmith.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link PeersComparison#withoutMember}: drops one member's whole value and its comma (whitespace around it may stay), nothing else. */
class JsonTrimTest {

    @Test
    void dropsTheMemberWhereverItStandsInItsObject() {
        String json = "[ { \"a\" : 1, \"h\" : [ [ [ 0.5, 3 ], [ 1.0, 2 ] ] ], \"b\" : { \"h\" : \"x\" } },\n"
                + "  { \"h\" : [ 1 ], \"c\" : \"h ] ,\\\" [\" },\n"
                + "  { \"only\" : { \"h\" : {} } } ]";

        assertThat(PeersComparison.withoutMember(json, "h")).isEqualTo(
                "[ { \"a\" : 1, \"b\" : {  } },\n"
                        + "  { \"c\" : \"h ] ,\\\" [\" },\n"
                        + "  { \"only\" : {  } } ]");
    }

    @Test
    void leavesStringValuesThatLookLikeTheMemberAlone() {
        String json = "{ \"k\" : \"\\\"h\\\" : [\", \"hh\" : 2 }";

        assertThat(PeersComparison.withoutMember(json, "h")).isEqualTo(json);
    }
}
