package io.cassmail.inbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cassmail.dkim.DkimHeaders;
import io.cassmail.inbound.milter.MilterAddress;
import io.cassmail.inbound.milter.MilterReply;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InboundPiecesTest {
    @Test
    void trustedNetworksMatchByPrefix() throws Exception {
        TrustedNetworks t = TrustedNetworks.parse("127.0.0.0/8, ::1, 192.0.2.16/28");
        assertThat(t.contains(InetAddress.getByName("127.9.9.9"))).isTrue();
        assertThat(t.contains(InetAddress.getByName("::1"))).isTrue();
        assertThat(t.contains(InetAddress.getByName("192.0.2.31"))).isTrue();
        assertThat(t.contains(InetAddress.getByName("192.0.2.32"))).isFalse();
        assertThat(TrustedNetworks.parse("").contains(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThatThrownBy(() -> TrustedNetworks.parse("example.org")).hasMessageContaining("not an address");
    }

    @Test
    void organisationalDomainComesFromThePublicSuffixList() {
        assertThat(OrganizationalDomain.of("mail.bank.co.uk")).isEqualTo("bank.co.uk");
        assertThat(OrganizationalDomain.of("a.b.bank.test")).isEqualTo("bank.test");
        assertThat(OrganizationalDomain.aligned("news.bank.test", "bank.test", false)).isTrue();
        assertThat(OrganizationalDomain.aligned("news.bank.test", "bank.test", true)).isFalse();
    }

    @Test
    void onlyResultsNamingThisServerCountAsForged() {
        DkimHeaders.Field ours = field("Authentication-Results: mx.example.test; spf=pass smtp.mailfrom=a@b.test");
        DkimHeaders.Field commented = field("Authentication-Results: (fake) MX.example.test;\r\n\tdkim=pass");
        DkimHeaders.Field theirs = field("Authentication-Results: mx.other.test; spf=pass");
        assertThat(AuthenticationResults.claims(ours, "mx.example.test")).isTrue();
        assertThat(AuthenticationResults.claims(commented, "mx.example.test")).isTrue();
        assertThat(AuthenticationResults.claims(theirs, "mx.example.test")).isFalse();
        assertThat(AuthenticationResults.claims(field("Authentication-Results: \"mx.example.test\"; dkim=pass"),
                "mx.example.test")).isTrue();
        assertThat(AuthenticationResults.claims(field("Authentication-Results: ((nested) (x)) mx.example.test; spf=pass"),
                "mx.example.test")).isTrue();
    }

    @Test
    void theFromDomainIsTheAddressNotTheDisplayName() {
        assertThat(FromDomain.of(field("From: \"<x@evil.test>\" <ceo@bank.test>"))).isEqualTo("bank.test");
        assertThat(FromDomain.of(field("From: CEO <ceo@Bank.Test> (the boss)"))).isEqualTo("bank.test");
        assertThat(FromDomain.of(field("From: a@evil.test, ceo@bank.test"))).isNull();
        assertThat(FromDomain.of(field("From: ,"))).isNull();
        assertThat(FromDomain.of(field("From: nobody"))).isNull();
    }

    @Test
    void blocklistErrorAnswersAreNoListing() {
        assertThat(Dnsbl.listing("127.0.0.2")).isTrue();
        assertThat(Dnsbl.listing("127.0.0.11")).isTrue();
        assertThat(Dnsbl.listing("127.255.255.254")).isFalse();
        assertThat(Dnsbl.listing("127.0.0.1")).isFalse();
    }

    @Test
    void aHeaderLineThatIsNoFieldIsKept() {
        List<DkimHeaders.Field> fields = DkimHeaders.parse("From: a@b.test\r\nnot a field\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(fields).extracting(DkimHeaders.Field::text).containsExactly("From: a@b.test", "not a field");
        assertThat(fields.get(1).name()).isEmpty();
    }

    @Test
    void milterHeaderChangesFollowLibmilter() {
        List<DkimHeaders.Field> fields = new ArrayList<>(DkimHeaders.parse(
                "From: a@b.test\r\nX-Spam: old\r\nSubject: s\r\nX-Spam: older\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        HeaderChanges.apply(fields, List.of(
                new MilterReply.HeaderChange(MilterReply.HeaderChange.Kind.CHANGE, 2, "X-Spam", null),
                new MilterReply.HeaderChange(MilterReply.HeaderChange.Kind.CHANGE, 1, "X-Spam", "Yes"),
                new MilterReply.HeaderChange(MilterReply.HeaderChange.Kind.INSERT, 0, "X-First", "1"),
                new MilterReply.HeaderChange(MilterReply.HeaderChange.Kind.ADD, 0, "X-Spamd-Result", "default: False\n\tX")));
        assertThat(fields.stream().map(DkimHeaders.Field::text)).containsExactly("X-First: 1", "From: a@b.test",
                "X-Spam: Yes", "Subject: s", "X-Spamd-Result: default: False\r\n\tX");
    }

    @Test
    void miltersAreNamedAsPostfixNamesThem() {
        assertThat(MilterAddress.parseList("inet:127.0.0.1:11332, inet:[::1]:8891")).extracting(m -> m.address().getPort())
                .containsExactly(11332, 8891);
        assertThatThrownBy(() -> MilterAddress.parseList("unix:/run/rspamd.sock")).hasMessageContaining("unix sockets");
    }

    @Test
    void blocklistNamesAreReversed() throws Exception {
        assertThat(Dnsbl.reversed(InetAddress.getByName("192.0.2.10"))).isEqualTo("10.2.0.192");
        assertThat(Dnsbl.reversed(InetAddress.getByName("2001:db8::1"))).startsWith("1.0.0.0.").endsWith(".8.b.d.0.1.0.0.2");
    }

    private static DkimHeaders.Field field(String text) {
        return DkimHeaders.parse((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1)).get(0);
    }
}
