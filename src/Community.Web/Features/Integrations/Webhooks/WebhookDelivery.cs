using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Community.Web.Features.Integrations.Webhooks;

/// <summary>The machine words for a delivery's state.</summary>
public static class DeliveryStates
{
    /// <summary>Waiting for its next attempt (or in flight, while a dispatcher holds its lease).</summary>
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    /// <summary>Every attempt failed; an admin may redeliver it.</summary>
    public const string Failed = "failed";
}

/// <summary>One event on its way to one endpoint. A dispatcher claims it by writing a lease (token and expiry) into the row, so
/// several servers never send it at the same time and a claim left by a crashed server runs out and is taken again.</summary>
public sealed class WebhookDelivery
{
    public string Id { get; set; } = "";
    public string EventId { get; set; } = "";
    public string EndpointId { get; set; } = "";
    public string State { get; set; } = DeliveryStates.Pending;
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public string? LeaseToken { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastAttemptAt { get; set; }
    public int? StatusCode { get; set; }
    public int? LatencyMs { get; set; }
    /// <summary>The start of the receiver's answer, or why there was none (at most 1 KB).</summary>
    public string? ResponseExcerpt { get; set; }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("WebhookDeliveries");
        b.Property(d => d.Id).HasMaxLength(40);
        b.Property(d => d.EventId).HasMaxLength(40);
        b.Property(d => d.EndpointId).HasMaxLength(40);
        b.Property(d => d.State).HasMaxLength(16);
        b.Property(d => d.LeaseToken).HasMaxLength(40);
        b.Property(d => d.ResponseExcerpt).HasMaxLength(1024);
        // One delivery per event and endpoint, whatever a fan-out race tries.
        b.HasIndex(d => new { d.EventId, d.EndpointId }).IsUnique();
        b.HasIndex(d => new { d.State, d.NextAttemptAt });
        b.HasIndex(d => new { d.EndpointId, d.CreatedAt });
        b.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<WebhookEvent>().WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
    }
}
