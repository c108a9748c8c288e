using System.Text.Json;
using System.Text.Json.Serialization;

namespace Community.Web.Features.Referrals;

public sealed record EventCustomer(string? ExternalId, string? Email);

/// <summary>A sign-up or payment event from the product. Amounts are minor units (cents).</summary>
public sealed record ReferralEventRequest(string? Id, string? Type, EventCustomer? Customer, long? Amount, string? Currency, string? Plan,
    string? ConversionId, string? Code);

public sealed record GrantView(string Rule, string Beneficiary, long Amount, string Outcome, long? LedgerEntryId);

public sealed record EventResult(string EventId, string Type, string Status, long? ReferralId, IReadOnlyList<string> Reasons,
    IReadOnlyList<GrantView> Grants);

/// <summary>Source-generated serialisation for the events API, with the same web defaults as <see cref="JsonSerializerOptions.Web"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReferralEventRequest))]
[JsonSerializable(typeof(EventResult))]
internal sealed partial class EventsJson : JsonSerializerContext;
