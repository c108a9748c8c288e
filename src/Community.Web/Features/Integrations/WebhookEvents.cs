using System.Security.Cryptography;
using System.Text.Json;
using Community.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Integrations;

/// <summary>The event types Community sends to webhook endpoints (Standard Webhooks <c>type</c>).</summary>
public static class WebhookTypes
{
    public const string MemberCreated = "member.created";
    public const string MemberUpdated = "member.updated";
    public const string ThreadCreated = "thread.created";
    public const string PostCreated = "post.created";
    public const string AnswerAccepted = "answer.accepted";
    public const string FlagCreated = "flag.created";
    public const string ReferralSignedUp = "referral.signed_up";
    public const string ReferralConverted = "referral.converted";
    public const string CreditGranted = "credit.granted";
    public const string CreditReversed = "credit.reversed";
    public const string CreditRedeemed = "credit.redeemed";
    public const string StoryPublished = "story.published";
    public const string MemberStageChanged = "member.stage_changed";
    public const string Test = "webhook.test";

    public static readonly IReadOnlyList<string> All =
    [
        MemberCreated, MemberUpdated, ThreadCreated, PostCreated, AnswerAccepted, FlagCreated, ReferralSignedUp,
        ReferralConverted, CreditGranted, CreditReversed, CreditRedeemed, StoryPublished, MemberStageChanged,
    ];
}

/// <summary>One community event waiting in the outbox. Written in the same transaction as the change it describes, so an event
/// exists exactly when the change committed; the dispatcher fans it out to the subscribed endpoints.</summary>
public sealed class WebhookEvent
{
    /// <summary>The Standard Webhooks <c>webhook-id</c> ("msg_…"): the same for every retry and every endpoint.</summary>
    public string Id { get; set; } = "";
    public string Type { get; set; } = "";
    /// <summary>The <c>data</c> object as JSON: ids, URLs, external ids; never password or IP hashes.</summary>
    public string Data { get; set; } = "";
    /// <summary>True when the event reveals private-category content: sent only to endpoints that opted in.</summary>
    public bool Private { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>Set once the dispatcher has created this event's deliveries.</summary>
    public DateTime? FannedOutAt { get; set; }
}

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> b)
    {
        b.ToTable("WebhookEvents");
        b.Property(e => e.Id).HasMaxLength(40);
        b.Property(e => e.Type).HasMaxLength(64);
        b.Property(e => e.Data).HasMaxLength(64 * 1024);
        b.HasIndex(e => e.FannedOutAt);
    }
}

/// <summary>Records community events for webhook endpoints. Features call <see cref="Add"/> inside their write transaction,
/// before <c>SaveChangesAsync</c>; nothing is sent before the change commits. An event no enabled endpoint wants is not recorded.</summary>
public interface IWebhookEvents
{
    /// <summary>Whether an event of this type would be recorded: lets a caller skip shaping (and reading for) one nobody wants.</summary>
    bool Wants(string type, bool isPrivate = false);

    void Add(CommunityDb db, string type, object data, bool isPrivate = false);
}

internal sealed class WebhookEventRecorder(TimeProvider clock, Webhooks.WebhookEventSignal signal, Webhooks.WebhookSubscriptions subscriptions)
    : IWebhookEvents
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool Wants(string type, bool isPrivate = false) => subscriptions.Wants(type, isPrivate);

    public void Add(CommunityDb db, string type, object data, bool isPrivate = false)
    {
        if (!subscriptions.Wants(type, isPrivate)) return;
        db.Add(new WebhookEvent
        {
            Id = "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            Type = type,
            Data = JsonSerializer.Serialize(data, Json),
            Private = isPrivate,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        });
        signal.Pulse(); // the fan-out loop looks again shortly, once the caller's transaction has committed
    }
}
