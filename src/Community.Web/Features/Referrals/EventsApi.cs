using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

public sealed record EventCustomer(string? ExternalId, string? Email);

/// <summary>A sign-up or payment event from the product. Amounts are minor units (cents).</summary>
public sealed record ReferralEventRequest(string? Id, string? Type, EventCustomer? Customer, long? Amount, string? Currency, string? Plan,
    string? ConversionId, string? Code);

public sealed record GrantView(string Rule, string Beneficiary, long Amount, string Outcome, long? LedgerEntryId);

public sealed record EventResult(string EventId, string Type, string Status, long? ReferralId, IReadOnlyList<string> Reasons, IReadOnlyList<GrantView> Grants);

/// <summary>Source-generated serialisation for the events API, with the same web defaults as <see cref="JsonSerializerOptions.Web"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReferralEventRequest))]
[JsonSerializable(typeof(EventResult))]
internal sealed partial class EventsJson : JsonSerializerContext;

/// <summary>POST /api/referrals/events: signed with HMAC, replay-safe with Idempotency-Key, and exactly-once through unique grant keys.</summary>
internal static partial class EventsApi
{
    public const string IdempotencyHeader = "Idempotency-Key";
    private const int MaxBodyBytes = 64 * 1024;
    public const long MaxAmount = 100_000_000_000; // a billion in major units: anything above is a bug upstream

    private static readonly HashSet<string> Types = new(StringComparer.Ordinal) { "signup", "conversion", "refund", "chargeback" };

    public static readonly HashSet<string> Currencies = new(StringComparer.Ordinal)
    {
        "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "JPY", "CNY", "HKD", "SGD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "BRL", "MXN",
        "INR", "ZAR", "KRW", "TRY", "ILS", "AED", "SAR",
    };

    public static void MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/referrals/events", Receive).WithTags("Referrals")
            .WithMetadata(new SkipCsrfAttribute(), new BodyLimitAttribute(MaxBodyBytes))
            .Accepts<ReferralEventRequest>("application/json")
            .Produces<EventResult>();
    }

    private static async Task<IResult> Receive(HttpContext http, ApiKeys keys, CommunityDb db, EventWriter writer, Ledger ledger, Leaderboard leaderboard, CancellationToken ct)
    {
        byte[] body;
        if (http.Request.ContentLength is { } length and >= 0 and <= MaxBodyBytes)
        {
            // The usual case: read straight into an array of the declared size instead of growing a buffer and copying it.
            body = new byte[length];
            await http.Request.Body.ReadExactlyAsync(body, ct);
        }
        else
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, ct);
            body = buffer.ToArray();
        }
        var (keyId, error) = await keys.VerifyAsync(http.Request, body, ct);
        if (keyId is null) return Problems.Unauthorized(error!);

        ReferralEventRequest? request;
        try { request = JsonSerializer.Deserialize(body, EventsJson.Default.ReferralEventRequest); }
        catch (JsonException) { return Problems.BadRequest("The request body is not valid JSON."); }
        if (request is null) return Problems.BadRequest("A JSON request body is required.");
        var errors = Validate(request);
        if (errors.Any) return errors.ToProblem();

        var idempotencyKey = http.Request.Headers[IdempotencyHeader].ToString();
        if (idempotencyKey.Length > 200) return Problems.BadRequest("The Idempotency-Key header is longer than 200 characters.");
        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body));
        if (idempotencyKey.Length > 0)
        {
            // A replay costs one indexed read and never queues behind writers. A key first seen concurrently is caught by the unique index in the writer.
            var seen = await FindIdempotency(db, keyId, idempotencyKey, ct);
            if (seen is not null) return Replay(seen, bodyHash).ToResult();
        }

        var reply = await writer.SubmitAsync(new PendingEvent(request, keyId, idempotencyKey, bodyHash));
        leaderboard.Converted();
        if (reply.Created.Count > 0) await ledger.AnnounceAsync(reply.Created, ct);
        return reply.ToResult();
    }

    internal static readonly Func<CommunityDb, string, string, CancellationToken, Task<IdempotencyRecord?>> FindIdempotency = EF.CompileAsyncQuery(
        (CommunityDb db, string keyId, string key, CancellationToken ct) =>
            db.Set<IdempotencyRecord>().AsNoTracking().FirstOrDefault(r => r.ApiKeyId == keyId && r.Key == key));

    internal static EventReply Replay(IdempotencyRecord seen, string bodyHash) => seen.BodyHash == bodyHash
        ? new EventReply(seen.Status, seen.Response, null, [])
        : new EventReply(409, null, Problems.Conflict("This Idempotency-Key was already used with a different request body. Use a new key for a new event."), []);

    internal static FieldErrors Validate(ReferralEventRequest r)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(r.Id)) errors.Add("id", "Give every event a unique id (your event or payment id).");
        else if (r.Id.Length > 200) errors.Add("id", "The event id must be at most 200 characters.");
        if (string.IsNullOrWhiteSpace(r.Type) || !Types.Contains(r.Type))
            errors.Add("type", "Unknown event type. Use signup, conversion, refund or chargeback.");
        if (r.Customer is null || (string.IsNullOrWhiteSpace(r.Customer.ExternalId) && string.IsNullOrWhiteSpace(r.Customer.Email)))
            errors.Add("customer", "Identify the customer by externalId or email.");
        else
        {
            if (r.Customer.ExternalId?.Length > 200) errors.Add("customer.externalId", "At most 200 characters.");
            if (r.Customer.Email?.Length > 254) errors.Add("customer.email", "At most 254 characters.");
        }
        if (r.Type is "conversion" or "refund")
        {
            if (r.Amount is null) errors.Add("amount", "Give the amount in minor units (cents), e.g. 4900 for 49.00.");
            else if (r.Amount <= 0) errors.Add("amount", "The amount must be positive.");
            else if (r.Amount > MaxAmount) errors.Add("amount", "The amount is implausibly large.");
            if (string.IsNullOrWhiteSpace(r.Currency) || !Currencies.Contains(r.Currency.ToUpperInvariant()))
                errors.Add("currency", "Unknown currency. Use an ISO 4217 code such as USD or EUR.");
        }
        else if (r.Amount is < 0 or > MaxAmount) errors.Add("amount", "The amount must be between 0 and " + MaxAmount + ".");
        if (r.Plan?.Length > 100) errors.Add("plan", "At most 100 characters.");
        if (r.ConversionId?.Length > 200) errors.Add("conversionId", "At most 200 characters.");
        if (r.Code?.Length > 64) errors.Add("code", "At most 64 characters.");
        return errors;
    }
}

internal sealed record ProcessOutcome(EventResult? Result, IResult? Problem);

internal sealed class EventProcessor(CommunityDb db, CodeDirectory codes, FraudSignals fraud, ProgramStore programs, TimeProvider clock)
{
    // Compiled once: the writer runs these for every event, and skipping the query cache lookup keeps its turn short.
    private static readonly Func<CommunityDb, string, CancellationToken, Task<Referral?>> ReferralByExternalId = EF.CompileAsyncQuery(
        (CommunityDb db, string externalId, CancellationToken ct) => db.Set<Referral>().FirstOrDefault(r => r.ExternalCustomerId == externalId));

    private static readonly Func<CommunityDb, string, CancellationToken, Task<Referral?>> ReferralByEmail = EF.CompileAsyncQuery(
        (CommunityDb db, string email, CancellationToken ct) => db.Set<Referral>().FirstOrDefault(r => r.CustomerEmail == email));

    private static readonly Func<CommunityDb, long, CancellationToken, Task<long?>> RewardOverride = EF.CompileAsyncQuery(
        (CommunityDb db, long codeId, CancellationToken ct) => db.Set<ReferralCode>().Where(c => c.Id == codeId).Select(c => c.RewardOverride).First());

    private static readonly Func<CommunityDb, long, string, CancellationToken, Task<ReferralConversion?>> ConversionOf = EF.CompileAsyncQuery(
        (CommunityDb db, long referralId, string eventId, CancellationToken ct) =>
            db.Set<ReferralConversion>().AsNoTracking().FirstOrDefault(c => c.ReferralId == referralId && c.EventId == eventId));

    public async Task<ProcessOutcome> ProcessAsync(ReferralRewards rewards, ReferralEventRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var eventId = request.Id!.Trim();
        var type = request.Type!;
        var externalId = request.Customer!.ExternalId?.Trim();
        var email = string.IsNullOrWhiteSpace(request.Customer.Email) ? null : EmailRules.Normalise(request.Customer.Email);

        Referral? referral = null;
        if (!string.IsNullOrEmpty(externalId)) referral = await ReferralByExternalId(db, externalId, ct);
        if (referral is null && email is not null) referral = await ReferralByEmail(db, email, ct);

        if (referral is null)
        {
            var code = await codes.FindAsync(request.Code, ct);
            if (code is null || type is "refund" or "chargeback")
                return Done(eventId, type, "ignored", null, ["not_referred"], []);
            if (code.Unusable(now) is not null) return Done(eventId, type, "ignored", null, [ReasonCodes.ExpiredCode], []);
            var program = await programs.GetAsync(ct);
            var assessment = await fraud.AssessAsync(code, null, email, null, null, program.VelocityPerHour, noPriorAttribution: type == "conversion", ct);
            referral = new Referral
            {
                CodeId = code.Id, AdvocateId = code.OwnerId, ExternalCustomerId = externalId, CustomerEmail = email, Source = "api",
                Decision = assessment.Decision, FraudScore = assessment.Score, Reasons = string.Join(',', assessment.Reasons), CreatedAt = now,
                ConfirmedAt = now, // reported by the product: a real customer, not an unconfirmed address
            };
            db.Add(referral);
            await db.SaveChangesAsync(ct);
        }
        else if (!string.IsNullOrEmpty(externalId) && referral.ExternalCustomerId is null)
        {
            referral.ExternalCustomerId = externalId;
            await db.SaveChangesAsync(ct);
        }

        var allowed = referral.Decision == ReferralDecision.Allow;
        var grants = new List<RewardGrant>();
        switch (type)
        {
            case "signup":
                if (allowed)
                {
                    var overrideCredits = await RewardOverride(db, referral.CodeId, ct);
                    grants = await rewards.GrantSignupAsync(referral, overrideCredits, ct);
                }
                break;
            case "conversion":
            {
                if (await ConversionOf(db, referral.Id, eventId, ct) is { Kind: not "conversion" }) return IdTaken(eventId, "a refund or chargeback");
                // Saved together with the conversion row.
                referral.ConvertedAt ??= now;
                var conversion = await RecordAsync(referral, eventId, "conversion", null, request, now, ct);
                if (allowed) grants = await rewards.GrantConversionAsync(referral, conversion, ct);
                break;
            }
            default:
            {
                var conversions = db.Set<ReferralConversion>().AsNoTracking().Where(c => c.ReferralId == referral.Id && c.Kind == "conversion");
                var conversion = string.IsNullOrWhiteSpace(request.ConversionId)
                    ? await conversions.OrderByDescending(c => c.At).ThenByDescending(c => c.Id).FirstOrDefaultAsync(ct)
                    : await conversions.FirstOrDefaultAsync(c => c.EventId == request.ConversionId, ct);
                if (conversion is null)
                    return Invalid("conversionId", "No conversion with this id is recorded for the customer.");
                // An id already recorded for another event (the payment itself, say) would be answered from that row,
                // and reversing "the payment" as a refund took back everything: refunds need ids of their own.
                var taken = await ConversionOf(db, referral.Id, eventId, ct);
                if (taken is not null && (taken.Kind != type || taken.RefundsEventId != conversion.EventId))
                    return IdTaken(eventId, taken.Kind == "conversion" ? "a payment" : "another " + taken.Kind);
                var earlier = await db.Set<ReferralConversion>().Where(c => c.ReferralId == referral.Id && c.RefundsEventId == conversion.EventId && c.EventId != eventId)
                    .Select(c => new { c.Kind, c.Amount }).ToListAsync(ct);
                var refunded = earlier.Sum(c => c.Amount);
                var amount = type == "chargeback" ? conversion.Amount - refunded : request.Amount!.Value;
                if (earlier.Any(c => c.Kind == "chargeback") || amount <= 0)
                    return Invalid("conversionId", "This payment has already been fully refunded or charged back.");
                if (amount > conversion.Amount - refunded)
                    return Invalid("amount", $"The refund is larger than what is left of the payment ({conversion.Amount - refunded}).");
                var refund = await RecordAsync(referral, eventId, type, conversion.EventId, request with { Amount = amount, Currency = conversion.Currency }, now, ct);
                if (allowed) grants = await rewards.ReverseAsync(referral, conversion, refund, ct);
                break;
            }
        }

        var status = referral.IsTest ? "test" : referral.Decision switch
        {
            ReferralDecision.Allow => "recorded",
            ReferralDecision.Review => "held",
            _ => "blocked",
        };
        var reasons = referral.Reasons.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Concat(grants.Where(g => g.Outcome != GrantOutcomes.Granted).Select(g => g.Outcome)).Distinct(StringComparer.Ordinal).ToList();
        var views = grants.Select(g => new GrantView(g.RuleKey, g.BeneficiaryId == referral.AdvocateId ? "advocate" : "friend", g.Amount, g.Outcome, g.LedgerEntryId)).ToList();
        return Done(eventId, type, status, referral.Id, reasons, views);
    }

    private async Task<ReferralConversion> RecordAsync(Referral referral, string eventId, string kind, string? refunds, ReferralEventRequest request, DateTime now, CancellationToken ct)
    {
        var existing = await ConversionOf(db, referral.Id, eventId, ct);
        if (existing is not null)
        {
            if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct);
            return existing;
        }
        var row = new ReferralConversion
        {
            ReferralId = referral.Id, EventId = eventId, Kind = kind, RefundsEventId = refunds, Amount = request.Amount ?? 0,
            Currency = request.Currency!.ToUpperInvariant(), Plan = request.Plan, At = now,
        };
        db.Add(row);
        await db.SaveChangesAsync(ct);
        return row;
    }

    private static ProcessOutcome Done(string id, string type, string status, long? referralId, IReadOnlyList<string> reasons, IReadOnlyList<GrantView> grants) =>
        new(new EventResult(id, type, status, referralId, reasons, grants), null);

    private static ProcessOutcome Invalid(string field, string message) => new(null, new FieldErrors().Add(field, message).ToProblem());

    private static ProcessOutcome IdTaken(string eventId, string what) => new(null, Problems.Conflict(
        $"The event id “{eventId}” is already used by {what} of this customer. Give every payment, refund and chargeback its own id.",
        new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["id"] = [$"Already used by {what}."] } }));
}
