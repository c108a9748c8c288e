using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>A receiver an admin registered. Its signing secret is stored protected by Data Protection (signing needs the secret
/// itself, so a hash will not do); after a rotation the previous secret keeps signing too until it expires.</summary>
public sealed class WebhookEndpoint
{
    public string Id { get; set; } = "";
    public string Url { get; set; } = "";
    public string Description { get; set; } = "";
    /// <summary>Space-separated <see cref="WebhookTypes"/> this endpoint wants.</summary>
    public string EventTypes { get; set; } = "";
    /// <summary>Opt-in for events about private-category content.</summary>
    public bool IncludePrivate { get; set; }
    public bool Enabled { get; set; } = true;
    public string ProtectedSecret { get; set; } = "";
    public string? PreviousProtectedSecret { get; set; }
    public DateTime? PreviousSecretExpiresAt { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>When the current run of failures began (cleared by any success); 24 h of failing disables the endpoint.</summary>
    public DateTime? FailingSince { get; set; }
    /// <summary>Why the dispatcher turned the endpoint off, shown to admins; cleared when they enable it again.</summary>
    public string? DisabledReason { get; set; }

    public IReadOnlyList<string> Types => EventTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public bool Wants(WebhookEvent e) => (!e.Private || IncludePrivate) && Types.Contains(e.Type, StringComparer.Ordinal);
}

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> b)
    {
        b.ToTable("WebhookEndpoints");
        b.Property(e => e.Id).HasMaxLength(40);
        b.Property(e => e.Url).HasMaxLength(2000);
        b.Property(e => e.Description).HasMaxLength(200);
        b.Property(e => e.EventTypes).HasMaxLength(1000);
        b.Property(e => e.ProtectedSecret).HasMaxLength(1000);
        b.Property(e => e.PreviousProtectedSecret).HasMaxLength(1000);
        b.Property(e => e.DisabledReason).HasMaxLength(300);
        b.Ignore(e => e.Types);
    }
}
