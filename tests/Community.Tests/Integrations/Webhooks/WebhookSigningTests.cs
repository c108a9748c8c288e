using Community.Web.Features.Integrations.Webhooks;

namespace Community.Tests.Integrations.Webhooks;

/// <summary>Our signer reproduces the Standard Webhooks specification's published test vector, so any Standard Webhooks library verifies
/// what we send.</summary>
public sealed class WebhookSigningTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private const string Body = "{\"test\": 2432232314}";
    private const string Expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void The_signer_reproduces_the_specification_test_vector_with_or_without_the_prefix()
    {
        Assert.Equal(Expected, WebhookSigning.Sign(Secret, Id, Timestamp, Body));
        Assert.Equal(Expected, WebhookSigning.Sign(Secret["whsec_".Length..], Id, Timestamp, Body));
    }

    [Fact]
    public void The_reference_verifier_accepts_the_vector_and_refuses_tampering()
    {
        var at = DateTimeOffset.FromUnixTimeSeconds(Timestamp);
        Assert.Null(StandardWebhooksReference.Verify(Secret, Id, "1614265330", Expected, Body, at));
        Assert.NotNull(StandardWebhooksReference.Verify(Secret, Id, "1614265330", Expected, Body + " ", at));
        Assert.NotNull(StandardWebhooksReference.Verify(Secret, Id, "1614265330", Expected, Body, at.AddMinutes(6)));
    }

    [Fact]
    public void Several_secrets_give_space_separated_signatures_any_of_which_verifies()
    {
        var other = WebhookSigning.NewSecret();
        var header = WebhookSigning.SignAll([other, Secret], Id, Timestamp, Body);
        Assert.Equal(2, header.Split(' ').Length);
        Assert.EndsWith(" " + Expected, header, StringComparison.Ordinal);
        var at = DateTimeOffset.FromUnixTimeSeconds(Timestamp);
        Assert.Null(StandardWebhooksReference.Verify(other, Id, "1614265330", header, Body, at));
        Assert.Null(StandardWebhooksReference.Verify(Secret, Id, "1614265330", header, Body, at));
    }
}
