using Community.Web.Data;
using Community.Web.Features.Demo;
using Microsoft.EntityFrameworkCore;

namespace Community.Web.Features.Referrals;

/// <summary>Demo referrals: codes for everyone, some clicks, referrals in every state, and the LAUNCH2026 campaign.</summary>
internal sealed class ReferralDemoContent(CommunityDb db, ProgramStore programs, TimeProvider clock) : IDemoContent
{
    public int Order => 20;

    public async Task SeedAsync(DemoMembers members, CancellationToken ct)
    {
        if (await db.Set<ReferralCode>().AnyAsync(ct)) return;
        var program = await programs.GetAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var codes = new Dictionary<string, ReferralCode>(StringComparer.Ordinal);
        foreach (var key in new[] { "admin", "moderator", "marketer", "ana", "ben", "chloe", "dev" })
        {
            codes[key] = new ReferralCode
            {
                Code = Codes.Generate(), OwnerId = members[key].Id, Kind = CodeKind.Personal, CreatedAt = now.AddDays(-60),
            };
            db.Add(codes[key]);
        }
        var vanity = new ReferralCode
        {
            Code = "ana-at-northwind", OwnerId = members["ana"].Id, Kind = CodeKind.Vanity, CreatedAt = now.AddDays(-40),
        };
        var launch = new ReferralCode
        {
            Code = "launch2026", Kind = CodeKind.Campaign, CampaignTag = "launch-2026", UsageLimit = 500, ExpiresAt = now.AddDays(90),
            RewardOverride = 1500,
            CreatedAt = now.AddDays(-14),
        };
        db.AddRange(vanity, launch);
        await db.SaveChangesAsync(ct);

        // Clicks over the last five weeks, heavier for Ana.
        var random = new Random(2026);
        string[] sources = ["linkedin", "x", "newsletter", "email", ""];
        string[] families = ["chrome", "safari", "firefox", "edge"];
        var clickCounts = new[] { (codes["ana"], 140), (vanity, 60), (codes["ben"], 45), (codes["chloe"], 25), (codes["dev"], 12), (launch, 90) };
        foreach (var (code, count) in clickCounts)
        {
            for (var i = 0; i < count; i++)
            {
                var source = sources[random.Next(sources.Length)];
                db.Add(new ReferralClick
                {
                    CodeId = code.Id, At = now.AddMinutes(-random.Next(1, 35 * 24 * 60)), Landing = "/signup?ref=" + code.Code,
                    UtmSource = source.Length == 0 ? null : source, UserAgentFamily = families[random.Next(families.Length)],
                    IpHash = Convert.ToHexStringLower(BitConverter.GetBytes(random.NextInt64())), DeviceId = Guid.NewGuid().ToString("N"),
                });
            }
            code.ClickCount = count;
        }
        await db.SaveChangesAsync(ct);

        // Referred customers are reported by the product (no community accounts), in different states.
        var hold = TimeSpan.FromDays(program.HoldDays);
        var ana = members["ana"].Id;
        var ben = members["ben"].Id;
        var chloe = members["chloe"].Id;
        var available = Referral(codes["ana"], ana, "northwind-ops@example.com", now.AddDays(-50), converted: now.AddDays(-45));
        var pending = Referral(vanity, ana, "sam@example.org", now.AddDays(-6), converted: now.AddDays(-3));
        var reversed = Referral(codes["ben"], ben, "trial-team@example.net", now.AddDays(-40), converted: now.AddDays(-38));
        var held = Referral(codes["chloe"], chloe, "quick@mailinator.com", now.AddDays(-2), converted: null);
        held.Decision = ReferralDecision.Review;
        held.FraudScore = 50;
        held.Reasons = ReasonCodes.DisposableEmail;
        var signedUp = Referral(codes["ben"], ben, "lee@example.com", now.AddDays(-1), converted: null);
        var campaign = Referral(launch, null, "early@example.com", now.AddDays(-10), converted: null);
        db.AddRange(available, pending, reversed, held, signedUp, campaign);
        await db.SaveChangesAsync(ct);

        Credit(ana, available, RuleKeys.SignupAdvocate, program.SignupAdvocateCredits, available.CreatedAt, hold);
        Credit(ana, available, RuleKeys.ConversionAdvocate, program.ConversionAdvocateCredits, available.ConvertedAt!.Value, hold);
        Credit(ana, pending, RuleKeys.SignupAdvocate, program.SignupAdvocateCredits, pending.CreatedAt, hold);
        var conversionEntry = Credit(ana, pending, RuleKeys.ConversionAdvocate, program.ConversionAdvocateCredits, pending.ConvertedAt!.Value, hold);
        _ = conversionEntry;
        Credit(ben, reversed, RuleKeys.SignupAdvocate, program.SignupAdvocateCredits, reversed.CreatedAt, hold);
        var benConversion = Credit(ben, reversed, RuleKeys.ConversionAdvocate, program.ConversionAdvocateCredits, reversed.ConvertedAt!.Value, hold);
        Credit(ben, signedUp, RuleKeys.SignupAdvocate, program.SignupAdvocateCredits, signedUp.CreatedAt, hold);
        await db.SaveChangesAsync(ct);
        db.Add(new LedgerEntry
        {
            MemberId = ben, Kind = LedgerKind.Reversal, Amount = -benConversion.Amount, CreatedAt = now.AddDays(-20), AvailableAt = now.AddDays(-20),
            ReferralId = reversed.Id, ReversesEntryId = benConversion.Id, Reason = EventTypes.Refund,
            Note = "Customer cancelled within the refund window.",
        });
        db.Add(new LedgerEntry
        {
            MemberId = members["dev"].Id, Kind = LedgerKind.Adjustment, Amount = 1000, CreatedAt = now.AddDays(-12), AvailableAt = now.AddDays(-12),
            Reason = RuleKeys.Adjustment, Note = "Thanks for the webhook integration guide!", ActorId = members["marketer"].Id,
        });
        await db.SaveChangesAsync(ct);
    }

    private static Referral Referral(ReferralCode code, string? advocate, string email, DateTime at, DateTime? converted) => new()
    {
        CodeId = code.Id, AdvocateId = advocate, CustomerEmail = email, ExternalCustomerId = "cus_" + Codes.Generate(10),
        Source = ReferralSources.Api,
        Decision = ReferralDecision.Allow, CreatedAt = at, ConvertedAt = converted,
    };

    private LedgerEntry Credit(string member, Referral referral, string rule, long amount, DateTime at, TimeSpan hold)
    {
        var entry = new LedgerEntry
        {
            MemberId = member, Kind = LedgerKind.Grant, Amount = amount, CreatedAt = at, AvailableAt = at + hold, ReferralId = referral.Id,
            Reason = rule,
        };
        db.Add(new RewardGrant
        {
            RuleKey = rule, ReferralId = referral.Id, BeneficiaryId = member,
            SourceEventId = rule.StartsWith(EventTypes.Signup, StringComparison.Ordinal) ? GrantSources.Signup : "demo-payment-" + referral.Id,
            Amount = amount, Outcome = GrantOutcomes.Granted, LedgerEntry = entry, CreatedAt = at,
        });
        return entry;
    }
}
