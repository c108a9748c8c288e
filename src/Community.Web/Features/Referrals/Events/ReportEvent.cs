using System.Security.Cryptography;
using System.Text.Json;
using Community.Web.Data;
using Community.Web.Infrastructure.Problems;
using Community.Web.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Community.Web.Features.Referrals;

/// <summary>
/// POST /api/referrals/events: the product reports a sign-up, payment, refund or chargeback. Top to bottom: the endpoint
/// verifies the HMAC signature, validates, and answers a repeated Idempotency-Key from its record; <see cref="EventBatches"/>
/// then runs <see cref="HandleAsync"/> for the event inside its own savepoint of a group-committed transaction, which finds
/// or creates the referral, records the payment and grants through <see cref="ReferralRewards"/>. Exactly-once rests on unique
/// indexes (grants, payments, idempotency records), never on the reads before them.
/// </summary>
internal sealed class ReportEvent(CommunityDb db, CodeDirectory codes, FraudSignals fraud, ProgramStore programs, TimeProvider clock,
    Accounts.IMemberDirectory members, ReferralWebhooks webhooks)
    : IAsyncDisposable
{
    private const int MaxBodyBytes = 64 * 1024;
    public const long MaxAmount = 100_000_000_000; // a billion in major units: anything above is a bug upstream

    public static readonly HashSet<string> Currencies = new(StringComparer.Ordinal)
    {
        "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "JPY", "CNY", "HKD", "SGD", "SEK", "NOK", "DKK", "PLN", "CZK", "HUF", "RON", "BRL", "MXN",
        "INR", "ZAR", "KRW", "TRY", "ILS", "AED", "SAR",
    };

    private Idempotency.Insert? _remember;

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/referrals/events", Receive).WithTags("Referrals")
            .WithMetadata(new SkipCsrfAttribute(), new BodyLimitAttribute(MaxBodyBytes), new ApiScopeRequirement(ApiScopes.EventsWrite),
                new SignedRequestRequirement())
            .Accepts<ReferralEventRequest>("application/json")
            .Produces<EventResult>();

    private static async Task<IResult> Receive(HttpContext http, ApiKeys keys, CommunityDb db, EventBatches batches, Ledger ledger,
        Leaderboard leaderboard, CancellationToken ct)
    {
        var body = await ReadBodyAsync(http.Request, ct);
        var (keyId, error) = await keys.VerifyAsync(http.Request, body, ct);
        if (keyId is null) return Problems.Unauthorized(error!);
        if (!await keys.HasScopeAsync(keyId, ApiScopes.EventsWrite, ct))
            return Problems.Forbidden($"This API key lacks the '{ApiScopes.EventsWrite}' scope.");

        ReferralEventRequest? request;
        try { request = JsonSerializer.Deserialize(body, EventsJson.Default.ReferralEventRequest); }
        catch (JsonException) { return Problems.BadRequest("The request body is not valid JSON."); }
        if (request is null) return Problems.BadRequest("A JSON request body is required.");
        var errors = Validate(request);
        if (errors.Any) return errors.ToProblem();

        var idempotencyKey = http.Request.Headers[Idempotency.Header].ToString();
        if (idempotencyKey.Length > Idempotency.MaxKeyLength)
            return Problems.BadRequest($"The Idempotency-Key header is longer than {Idempotency.MaxKeyLength} characters.");
        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body));
        // A replay costs one indexed read and never queues behind writers.
        if (idempotencyKey.Length > 0 && await Idempotency.FindAsync(db, keyId, idempotencyKey, ct) is { } seen)
            return Idempotency.Replay(seen, bodyHash).ToResult();

        var reply = await batches.SubmitAsync(new PendingEvent(request, keyId, idempotencyKey, bodyHash));
        leaderboard.Converted();
        if (reply.Created.Count > 0) await ledger.AnnounceAsync(reply.Created, ct);
        return reply.ToResult();
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength is { } length and >= 0 and <= MaxBodyBytes)
        {
            // The usual case: read straight into an array of the declared size instead of growing a buffer and copying it.
            var body = new byte[length];
            await request.Body.ReadExactlyAsync(body, ct);
            return body;
        }
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    internal static FieldErrors Validate(ReferralEventRequest r)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(r.Id)) errors.Add("id", "Give every event a unique id (your event or payment id).");
        else if (r.Id.Length > 200) errors.Add("id", "The event id must be at most 200 characters.");
        if (!EventTypes.IsKnown(r.Type)) errors.Add("type", "Unknown event type. Use signup, conversion, refund or chargeback.");
        if (r.Customer is null || (string.IsNullOrWhiteSpace(r.Customer.ExternalId) && string.IsNullOrWhiteSpace(r.Customer.Email)))
            errors.Add("customer", "Identify the customer by externalId or email.");
        else
        {
            if (r.Customer.ExternalId?.Length > 200) errors.Add("customer.externalId", "At most 200 characters.");
            if (r.Customer.Email?.Length > 254) errors.Add("customer.email", "At most 254 characters.");
        }
        if (r.Type is EventTypes.Conversion or EventTypes.Refund)
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

    /// <summary>One event, inside its savepoint. A reply with a problem is rolled back by the caller; so is any exception.</summary>
    public async Task<EventReply> HandleAsync(PendingEvent pending, bool retry, CancellationToken ct)
    {
        // After a unique violation the winner may have answered this very key: give its answer.
        if (retry && pending.IdempotencyKey.Length > 0 && await Idempotency.FindAsync(db, pending.KeyId, pending.IdempotencyKey, ct) is { } seen)
            return Idempotency.Replay(seen, pending.BodyHash);
        // Fresh for every attempt: the entries of an undone attempt must never be announced.
        var credits = new Credits(db, clock, programs, webhooks);
        var rewards = new ReferralRewards(db, credits, programs, new AdvocateTiers(db, programs, clock), clock);
        var (result, problem) = await ProcessAsync(rewards, pending.Request, null, searched: false, ct);
        if (problem is not null) return new EventReply(400, null, problem, []);
        var json = JsonSerializer.Serialize(result!, EventsJson.Default.EventResult);
        if (pending.IdempotencyKey.Length > 0)
        {
            _remember ??= new Idempotency.Insert(db.Database.GetDbConnection(), db.Database.CurrentTransaction!.GetDbTransaction());
            await _remember.ExecuteAsync(pending, json, clock.GetUtcNow().UtcDateTime, ct);
        }
        return new EventReply(200, json, null, [.. credits.Created]);
    }

    public ValueTask DisposeAsync() => _remember?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <summary>
    /// The same rules for an event that arrived another way (a verified Stripe or Paddle webhook mapped to this shape), inside the
    /// caller's write transaction: <paramref name="known"/> is the referral the caller matched, or null when its search (a superset
    /// of the API's: external id, then email) found none. A payment reported both ways under the same id is recorded and credited
    /// once (unique payment and grant keys).
    /// </summary>
    public async Task<(EventResult? Result, IResult? Problem, IReadOnlyList<LedgerEntry> Created)> ApplyAsync(ReferralEventRequest request,
        Referral? known, CancellationToken ct)
    {
        var credits = new Credits(db, clock, programs, webhooks);
        var rewards = new ReferralRewards(db, credits, programs, new AdvocateTiers(db, programs, clock), clock);
        var (result, problem) = await ProcessAsync(rewards, request, known, searched: true, ct);
        return (result, problem, [.. credits.Created]);
    }

    private async Task<(EventResult? Result, IResult? Problem)> ProcessAsync(ReferralRewards rewards, ReferralEventRequest request,
        Referral? known, bool searched, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var eventId = request.Id!.Trim();
        var type = request.Type!;
        var externalId = request.Customer!.ExternalId?.Trim();
        var email = string.IsNullOrWhiteSpace(request.Customer.Email) ? null : EmailRules.Normalise(request.Customer.Email);

        var referral = known;
        if (referral is null && !searched && !string.IsNullOrEmpty(externalId))
            referral = await ReferralLookups.ByExternalId(db, externalId, ct) ?? await ReferralOfMemberAsync(externalId, ct);
        if (referral is null && !searched && email is not null) referral = await ReferralLookups.ByEmail(db, email, ct);
        var isNew = referral is null; // a referral created here has no payments yet: nothing to look up for it
        if (referral is null)
        {
            var code = await codes.FindAsync(request.Code, ct);
            if (code is null || EventTypes.TakesBack(type)) return Done(eventId, type, EventStatuses.Ignored, null, [ReasonCodes.NotReferred], []);
            if (code.Unusable(now) is not null) return Done(eventId, type, EventStatuses.Ignored, null, [ReasonCodes.ExpiredCode], []);
            var program = await programs.GetAsync(ct);
            var assessment = await fraud.AssessAsync(code, null, email, null, null, program.VelocityPerHour,
                noPriorAttribution: type == EventTypes.Conversion, ct);
            referral = new Referral
            {
                CodeId = code.Id, AdvocateId = code.OwnerId, ExternalCustomerId = externalId, CustomerEmail = email, Source = ReferralSources.Api,
                Decision = assessment.Decision, FraudScore = assessment.Score, Reasons = string.Join(',', assessment.Reasons), CreatedAt = now,
                ConfirmedAt = now, // reported by the product: a real customer, not an unconfirmed address
                ConvertedAt = type == EventTypes.Conversion ? now : null, // in the insert, not in an update right after it
            };
            db.Add(referral);
            // A first payment inserts the new referral along with it, in one SaveChanges, unless a webhook needs its id first.
            if (type != EventTypes.Conversion || webhooks.WantsReferralEvents)
            {
                await db.SaveChangesAsync(ct);
                await webhooks.SignedUpAsync(db, referral, ct); // saved by the next write below, or at the end
            }
        }
        else if (!string.IsNullOrEmpty(externalId) && referral.ExternalCustomerId is null)
        {
            referral.ExternalCustomerId = externalId;
            await db.SaveChangesAsync(ct);
        }

        List<RewardGrant> grants;
        switch (type)
        {
            case EventTypes.Signup:
                grants = await rewards.GrantSignupAsync(referral, ct);
                break;
            case EventTypes.Conversion:
                if (!isNew && await ConversionOf(db, referral.Id, eventId, ct) is { Kind: not EventTypes.Conversion })
                    return IdTaken(eventId, "a refund or chargeback");
                if (referral.ConvertedAt is null || isNew)
                {
                    referral.ConvertedAt ??= now; // saved together with the payment row, and so is its event
                    await webhooks.ConvertedAsync(db, referral, eventId, request.Amount!.Value, request.Currency!, request.Plan, ct);
                }
                grants = await rewards.GrantConversionAsync(referral, await RecordAsync(referral, eventId, null, request, now, isNew, ct), ct);
                break;
            default:
                var (taken, problem) = await TakeBackAsync(referral, eventId, request, now, ct);
                if (problem is not null) return (null, problem);
                grants = await rewards.ReverseAsync(referral, taken!.Value.Conversion, taken.Value.Refund, ct);
                break;
        }

        if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct); // a webhook event no grant saved
        var status = referral.IsTest ? EventStatuses.Test : referral.Decision switch
        {
            ReferralDecision.Allow => EventStatuses.Recorded,
            ReferralDecision.Review => EventStatuses.Held,
            _ => EventStatuses.Blocked,
        };
        var reasons = referral.Reasons.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Concat(grants.Where(g => g.Outcome != GrantOutcomes.Granted).Select(g => g.Outcome)).Distinct(StringComparer.Ordinal).ToList();
        var views = grants.Select(g => new GrantView(g.RuleKey, g.BeneficiaryId == referral.AdvocateId ? "advocate" : "friend", g.Amount, g.Outcome,
            g.LedgerEntryId)).ToList();
        return Done(eventId, type, status, referral.Id, reasons, views);
    }

    /// <summary>A refund or chargeback: checks it against the payment it names (or the latest one) and records it.</summary>
    private async Task<((ReferralConversion Conversion, ReferralConversion Refund)? Taken, IResult? Problem)> TakeBackAsync(Referral referral,
        string eventId, ReferralEventRequest request, DateTime now, CancellationToken ct)
    {
        var type = request.Type!;
        var conversions = db.Set<ReferralConversion>().AsNoTracking().Where(c => c.ReferralId == referral.Id && c.Kind == EventTypes.Conversion);
        var conversion = string.IsNullOrWhiteSpace(request.ConversionId)
            ? await conversions.OrderByDescending(c => c.At).ThenByDescending(c => c.Id).FirstOrDefaultAsync(ct)
            : await conversions.FirstOrDefaultAsync(c => c.EventId == request.ConversionId, ct);
        if (conversion is null) return (null, Invalid("conversionId", "No conversion with this id is recorded for the customer."));
        // An id already recorded for another event (the payment itself, say) would be answered from that row,
        // and reversing "the payment" as a refund took back everything: refunds need ids of their own.
        var taken = await ConversionOf(db, referral.Id, eventId, ct);
        if (taken is not null && (taken.Kind != type || taken.RefundsEventId != conversion.EventId))
            return (null, IdTaken(eventId, taken.Kind == EventTypes.Conversion ? "a payment" : "another " + taken.Kind).Problem);
        var earlier = await db.Set<ReferralConversion>()
            .Where(c => c.ReferralId == referral.Id && c.RefundsEventId == conversion.EventId && c.EventId != eventId)
            .Select(c => new { c.Kind, c.Amount }).ToListAsync(ct);
        var left = conversion.Amount - earlier.Sum(c => c.Amount);
        var amount = type == EventTypes.Chargeback ? left : request.Amount!.Value;
        if (earlier.Any(c => c.Kind == EventTypes.Chargeback) || amount <= 0)
            return (null, Invalid("conversionId", "This payment has already been fully refunded or charged back."));
        if (amount > left) return (null, Invalid("amount", $"The refund is larger than what is left of the payment ({left})."));
        var refund = await RecordAsync(referral, eventId, conversion.EventId, request with { Amount = amount, Currency = conversion.Currency },
            now, isNew: false, ct);
        return ((conversion, refund), null);
    }

    /// <summary>The payment, refund or chargeback row, once per (referral, event id); a repeat finds the first.</summary>
    private async Task<ReferralConversion> RecordAsync(Referral referral, string eventId, string? refunds, ReferralEventRequest request, DateTime now,
        bool isNew, CancellationToken ct)
    {
        var existing = isNew ? null : await ConversionOf(db, referral.Id, eventId, ct);
        if (existing is not null)
        {
            if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct);
            return existing;
        }
        var row = new ReferralConversion
        {
            ReferralId = referral.Id, EventId = eventId, Kind = request.Type!, RefundsEventId = refunds, Amount = request.Amount ?? 0,
            Currency = request.Currency!.ToUpperInvariant(), Plan = request.Plan, At = now,
        };
        db.Add(row);
        if (db.Entry(referral).State == EntityState.Added) // not inserted yet: the key EF holds for it links the payment to it
            db.Entry(row).Property(r => r.ReferralId).CurrentValue = db.Entry(referral).Property(r => r.Id).CurrentValue;
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>A customer who joined here through a referral and was then linked to the product (SSO or member sync) is known by
    /// the product's user id on the member, before the referral ever saw it.</summary>
    private async Task<Referral?> ReferralOfMemberAsync(string externalId, CancellationToken ct) =>
        await members.FindIdByExternalIdAsync(externalId, ct) is { } memberId ? await ReferralLookups.ByMember(db, memberId, ct) : null;

    private static (EventResult?, IResult?) Done(string id, string type, string status, long? referralId, IReadOnlyList<string> reasons,
        IReadOnlyList<GrantView> grants) => (new EventResult(id, type, status, referralId, reasons, grants), null);

    private static ValidationProblem Invalid(string field, string message) => new FieldErrors().Add(field, message).ToProblem();

    private static (EventResult?, IResult? Problem) IdTaken(string eventId, string what) => (null, Problems.Conflict(
        $"The event id “{eventId}” is already used by {what} of this customer. Give every payment, refund and chargeback its own id.",
        new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["id"] = [$"Already used by {what}."] } }));

    // Compiled once: the batch writer runs it for every payment and refund.
    private static readonly Func<CommunityDb, long, string, CancellationToken, Task<ReferralConversion?>> ConversionOf = EF.CompileAsyncQuery(
        (CommunityDb db, long referralId, string eventId, CancellationToken ct) =>
            db.Set<ReferralConversion>().AsNoTracking().FirstOrDefault(c => c.ReferralId == referralId && c.EventId == eventId));
}
